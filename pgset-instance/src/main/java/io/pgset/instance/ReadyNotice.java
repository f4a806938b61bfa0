package io.pgset.instance;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Tells whoever waits for this instance (the local controller) the moment it becomes ready, rather
 * than leaving it to find out at its next look: a primary is ready once postgres runs, a replica
 * only once it streams, so after each start this looks closely, on a thread of its own, until the
 * instance is ready or {@link #WATCH} has passed (then the waiter's own polling finds out). It
 * judges readiness exactly as the instance's status does; it only says when to look.
 */
final class ReadyNotice {

    /** How long after a start it looks; a replica that streams later is found by the waiter's polls. */
    static final Duration WATCH = Duration.ofSeconds(30);
    /** Between two looks: a query on the status connection, cheap next to a start. */
    private static final Duration EVERY = Duration.ofMillis(20);

    private ReadyNotice() {}

    /**
     * Starts watching: {@code tell} runs once, when {@code ready} holds, unless {@code stillRunning}
     * stops holding first (postgres stopped or the instance is shutting down).
     */
    static void watch(String pod, BooleanSupplier ready, BooleanSupplier stillRunning, Runnable tell) {
        Thread thread = new Thread(() -> {
            try {
                if (Poll.until(WATCH, EVERY, () -> {
                    if (!stillRunning.getAsBoolean()) {
                        throw new Poll.GiveUp(new IllegalStateException("not running"));
                    }
                    return ready.getAsBoolean();
                })) {
                    tell.run();
                }
            } catch (IllegalStateException e) {
                // stopped before it was ready: the next start watches again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ready-notice-" + pod);
        thread.setDaemon(true);
        thread.start();
    }
}
