package io.pgset.core.plan;

import io.pgset.core.model.ClusterSpec;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything the planners decide from: the spec and one consistent look at the cluster.
 *
 * @param pods            running instances, in ordinal order
 * @param recordedPrimary the last pod known to be primary; empty for a cluster never started
 * @param primaryDownFor  how long the recorded primary has not been a ready primary (zero while it is)
 * @param fenceSettles    how long a lost primary may go on accepting writes after it was last seen,
 *                        however it is fenced: zero locally (its processes are killed), in
 *                        Kubernetes the time its instance takes to stop itself when isolated (a
 *                        deleted pod on an unreachable node runs on), zero once its pod is proven stopped
 */
public record Observation(ClusterSpec spec, List<ObservedPod> pods, Optional<String> recordedPrimary,
                          Duration primaryDownFor, Duration fenceSettles) {

    public Observation(ClusterSpec spec, List<ObservedPod> pods, Optional<String> recordedPrimary,
                       Duration primaryDownFor) {
        this(spec, pods, recordedPrimary, primaryDownFor, Duration.ZERO);
    }

    public Observation {
        pods = pods.stream().sorted(Comparator.comparingInt(ObservedPod::ordinal)).toList();
    }

    public Observation(ClusterSpec spec, List<ObservedPod> pods, Optional<String> recordedPrimary) {
        this(spec, pods, recordedPrimary, Duration.ZERO, Duration.ZERO);
    }

    public Optional<ObservedPod> pod(String name) {
        return pods.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<ObservedPod> pod(int ordinal) {
        return pods.stream().filter(p -> p.ordinal() == ordinal).findFirst();
    }

    public Optional<ObservedPod> readyPrimary() {
        return pods.stream().filter(ObservedPod::isReadyPrimary).findFirst();
    }

    public boolean allReady() {
        return pods.stream().allMatch(ObservedPod::ready);
    }
}
