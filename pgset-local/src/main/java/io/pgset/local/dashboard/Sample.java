package io.pgset.local.dashboard;

import java.util.Map;

/**
 * The cluster at one moment, as the dashboard charts it.
 *
 * @param at   when, in milliseconds since the epoch (what the page's charts plot against)
 * @param pods per instance name, what was measured
 */
record Sample(long at, Map<String, Sample.Pod> pods) {

    Sample {
        pods = Map.copyOf(pods);
    }

    /**
     * One instance at that moment.
     *
     * @param lagBytes    replay lag behind the primary in bytes (0 on the primary)
     * @param lagSeconds  the same in time
     * @param connections client connections; -1 when unknown
     * @param commits     the cumulative commit count; -1 when unknown
     * @param tps         commits per second over the last few seconds; -1 when it cannot be told yet
     */
    record Pod(long lagBytes, double lagSeconds, int connections, long commits, double tps) {}
}
