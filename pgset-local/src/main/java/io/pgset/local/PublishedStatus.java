package io.pgset.local;

import io.pgset.core.model.ClusterStatus;
import java.time.Duration;

/**
 * The status a controller publishes, numbered: each status unlike the one before gets the next
 * generation, so that a command waiting for the cluster can ask for the first status after the
 * one it has seen and be answered the moment it exists, instead of polling (a long poll).
 */
final class PublishedStatus {

    /** A status and its generation. */
    record Numbered(long generation, ClusterStatus status) {}

    private Numbered current;

    PublishedStatus(ClusterStatus first) {
        this.current = new Numbered(1, first);
    }

    synchronized void publish(ClusterStatus status) {
        if (!status.equals(current.status())) {
            current = new Numbered(current.generation() + 1, status);
            notifyAll();
        }
    }

    /**
     * The first status after generation {@code seen}, waiting for it at most {@code wait}; the
     * current one when none came by then, or when {@code seen} is not one of this controller's (a
     * controller started since).
     */
    synchronized Numbered after(long seen, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (current.generation() == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return current;
    }
}
