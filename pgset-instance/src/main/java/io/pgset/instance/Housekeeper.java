package io.pgset.instance;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An instance's periodic work (certificate renewal, volume measurement) on one scheduled thread.
 * A task that fails is logged with what it was doing and runs again at its next turn: nothing
 * that goes wrong in one round stops the housekeeping.
 */
final class Housekeeper implements AutoCloseable {

    /** One round of a periodic task. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    private final ScheduledExecutorService executor;
    private final InstanceLog log;

    Housekeeper(String pod, InstanceLog log) {
        this.log = log;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "housekeeper-" + pod);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code task} {@code every} after each round ends, the first round {@code every} after
     * now: as an instance manager starts there is nothing yet for its periodic work to look at (no
     * data, no postgres), and the CPU is wanted by the start itself. What must come at once comes
     * from the start ({@link Supervisor#whenRunning}, say).
     */
    void every(Duration every, String what, Task task) {
        executor.scheduleWithFixedDelay(guarded(what + " failed, trying again in " + every.toSeconds() + " s", task),
                every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once, soon, between the rounds of the periodic ones. */
    void soon(String what, Task task) {
        executor.execute(guarded(what + " failed", task));
    }

    /** The task as the executor runs it: whatever it throws is logged, and the thread goes on. */
    private Runnable guarded(String failure, Task task) {
        return () -> {
            try {
                task.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                log.warn(failure + ": " + t);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
