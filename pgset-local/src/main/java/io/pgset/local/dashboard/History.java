package io.pgset.local.dashboard;

import io.pgset.core.model.ClusterStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples behind the dashboard's charts: one a second at most, the last {@link #CAPACITY}
 * kept (five minutes). Time is given, never read. Not thread-safe; {@link Dashboard} guards it.
 */
final class History {

    static final int CAPACITY = 300;
    static final long PERIOD_MILLIS = 1_000;

    private final Ring<Sample> samples = new Ring<>(CAPACITY);

    /** Takes a sample of {@code status} unless the last one is younger than a second; returns whether it did. */
    boolean record(ClusterStatus status, long at) {
        if (samples.newest().map(s -> at - s.at() < PERIOD_MILLIS).orElse(false)) {
            return false;
        }
        List<Sample> earlier = samples.toList();
        Map<String, Sample.Pod> pods = new LinkedHashMap<>();
        for (ClusterStatus.PodStatus p : status.pods()) {
            long commits = p.activity().commits();
            pods.put(p.name(), new Sample.Pod(p.lagBytes(), p.lagSeconds(), p.activity().connections(), commits,
                    Rates.tps(earlier, p.name(), commits, at)));
        }
        samples.add(new Sample(at, pods));
        return true;
    }

    List<Sample> samples() {
        return samples.toList();
    }
}
