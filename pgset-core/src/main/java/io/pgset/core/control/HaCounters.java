package io.pgset.core.control;

import java.time.Duration;

/**
 * What a cluster's controller has done to its primary since it started: failovers (a replica
 * promoted because the primary was lost), switchovers that ended with the new primary, and how
 * long the last failover took, from the pass that first saw the primary lost to the promotion.
 * Runtimes publish it as metrics; like any counter it starts at zero with its process.
 *
 * @param failovers                   promotions of a replica after the primary was lost
 * @param switchovers                 switchovers that handed the role over (aborted ones are not counted)
 * @param lastFailoverSeconds         the last failover's duration; -1 before the first
 */
public record HaCounters(long failovers, long switchovers, double lastFailoverSeconds) {

    public static final HaCounters NONE = new HaCounters(0, 0, -1);

    HaCounters failedOver(Duration took) {
        return new HaCounters(failovers + 1, switchovers, took.toNanos() / 1e9);
    }

    HaCounters switchedOver() {
        return new HaCounters(failovers, switchovers + 1, lastFailoverSeconds);
    }
}
