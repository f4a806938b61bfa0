package io.pgset.instance;

import io.pgset.core.model.InstanceStatus;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The instance's status as last read, for readers that can do with one a moment old (the metrics
 * sampler): while the controller polls, they add no read of postgres and no wait on the status
 * reader that promotions and reloads share; when nobody has read it lately, it is read afresh.
 */
final class RecentStatus {

    private record Read(InstanceStatus status, long nanos) {}

    private final Supplier<InstanceStatus> read;
    private final Duration fresh;
    private volatile Read last;

    RecentStatus(Supplier<InstanceStatus> read, Duration fresh) {
        this.read = read;
        this.fresh = fresh;
    }

    /** Reads the status now, and keeps it. */
    InstanceStatus read() {
        InstanceStatus status = read.get();
        last = new Read(status, System.nanoTime());
        return status;
    }

    /** The kept status when it is at most {@code fresh} old, else a new read. */
    InstanceStatus recent() {
        Read kept = last;
        return kept != null && System.nanoTime() - kept.nanos() < fresh.toNanos() ? kept.status() : read();
    }
}
