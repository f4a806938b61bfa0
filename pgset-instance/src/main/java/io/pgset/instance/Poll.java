package io.pgset.instance;

import java.time.Duration;

/**
 * The one way pgset waits for something outside itself: check, and check again every
 * {@code every} until it holds or {@code timeout} passes, on the monotonic clock (a wall-clock
 * step never shortens or stretches a wait).
 */
public final class Poll {

    /** A condition that may fail while it is checked (a refused connection, a missing file). */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /**
     * For a wait that has no deadline of its own (a pod that cannot start until it is told how).
     * Deadlines compare differences of nanoTimes, so this never overflows into the past.
     */
    public static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    /**
     * Thrown by a check when what it waits for can no longer happen (the process it waits on has
     * exited): the wait ends at once, and {@link #until} throws {@code reason} itself, where any
     * other exception of a check would count as not yet.
     */
    public static final class GiveUp extends RuntimeException {
        private final RuntimeException reason;

        public GiveUp(RuntimeException reason) {
            super(reason.getMessage(), reason, false, false);
            this.reason = reason;
        }
    }

    private Poll() {}

    /**
     * Checks until the condition holds; a check that throws counts as not yet, unless it throws
     * {@link GiveUp}.
     *
     * @return whether it held within the timeout
     * @throws InterruptedException when interrupted while waiting (the interrupt flag is cleared,
     *         as by any method that throws it)
     */
    public static boolean until(Duration timeout, Duration every, Check condition) throws InterruptedException {
        Deadline deadline = Deadline.after(timeout);
        while (true) {
            try {
                if (condition.holds()) {
                    return true;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (GiveUp e) {
                throw e.reason;
            } catch (Exception e) {
                // not yet
            }
            if (deadline.expired()) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(every.toMillis(), deadline.remaining().toMillis())));
        }
    }

    /** A point in monotonic time. */
    public record Deadline(long nanos) {

        public static Deadline after(Duration timeout) {
            return new Deadline(System.nanoTime() + timeout.toNanos());
        }

        public boolean expired() {
            return System.nanoTime() - nanos >= 0;
        }

        public Duration remaining() {
            long left = nanos - System.nanoTime();
            return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
        }
    }
}
