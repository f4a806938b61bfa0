package io.pgset.local.dashboard;

import java.util.List;

/**
 * Transactions per second from cumulative commit counts. postgres flushes its statistics at most
 * once a second, so the rate is taken over a window of a few seconds rather than between two
 * neighbouring samples, which would alternate between nothing and double.
 */
final class Rates {

    /** How far back the rate looks for its earlier count. */
    static final long WINDOW_MILLIS = 5_000;

    private Rates() {}

    /**
     * Commits per second of {@code pod} between the oldest sample in the window before {@code at}
     * that has a count for it and {@code commits} now; -1 when there is no such sample, either
     * count is unknown, or the count went down (postgres restarted or its statistics were reset).
     */
    static double tps(List<Sample> earlier, String pod, long commits, long at) {
        if (commits < 0) {
            return -1;
        }
        for (Sample s : earlier) {
            Sample.Pod then = s.pods().get(pod);
            if (then == null || then.commits() < 0 || s.at() < at - WINDOW_MILLIS || s.at() >= at) {
                continue;
            }
            if (commits < then.commits()) {
                return -1;
            }
            return (commits - then.commits()) * 1000.0 / (at - s.at());
        }
        return -1;
    }
}
