package io.pgset.core.control;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Lsn;
import io.pgset.core.model.Phase;
import io.pgset.core.model.Role;
import io.pgset.core.plan.Action;
import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.Observation;
import io.pgset.core.spec.SpecReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Status as the planners saw it; apart from {@link ClusterController} so that its loop stays a list of steps. */
final class StatusBuilder {
    private StatusBuilder() {}

    static ClusterStatus build(Observation observed, List<VolumeState> volumes, List<Action> plan,
                               List<String> failures) {
        ClusterSpec spec = observed.spec();
        Optional<ObservedPod> primary = observed.readyPrimary();
        String primaryLsn = primary.map(p -> p.status().lsn()).orElse(null);
        List<ClusterStatus.PodStatus> pods = observed.pods().stream()
                .map(p -> pod(spec, p, primaryLsn))
                .toList();
        List<ClusterStatus.VolumeStatus> vols = volumes.stream()
                .map(v -> new ClusterStatus.VolumeStatus(v.name(), v.path(),
                        v.ordinal() < spec.instances() ? spec.podName(v.ordinal()) : null))
                .toList();
        long ready = observed.pods().stream().filter(p -> p.ready() && p.ordinal() < spec.instances()).count();
        boolean settled = plan.stream().allMatch(ClusterController::settled);
        // What the plan waits for or does first, then whatever failed: a failure never hides the reason.
        List<String> said = new ArrayList<>();
        plan.stream().filter(a -> !(a instanceof Action.EnsureSlots)).map(Action::reason)
                .filter(r -> !r.isEmpty()).distinct().forEach(said::add);
        said.addAll(failures);
        String message = String.join("; ", said);
        Phase phase;
        if (settled && primary.isPresent() && ready == spec.instances() && failures.isEmpty()) {
            phase = Phase.HEALTHY;
        } else if (observed.pods().size() != spec.instances() || !settled) {
            phase = Phase.PROGRESSING;
        } else {
            phase = Phase.DEGRADED;
        }
        return new ClusterStatus(spec.name(), phase, primary.map(ObservedPod::name).orElse(null),
                spec.instances(), (int) ready, pods, vols, Map.of(), message, SpecReader.version(spec), null, List.of())
                .withArchive(spec.backup().enabled() ? primary.map(p -> p.status().archive()).orElse(null) : null);
    }

    private static ClusterStatus.PodStatus pod(ClusterSpec spec, ObservedPod p, String primaryLsn) {
        InstanceStatus s = p.status();
        long lag = s.role() == Role.REPLICA ? Lsn.distance(primaryLsn, s.lsn()) : 0;
        return new ClusterStatus.PodStatus(p.name(), p.ordinal(), s.role().label(), p.ready(), p.pod().host(),
                p.pod().port(), p.pod().pid(), s.timeline(), s.lsn(), lag, s.role() == Role.REPLICA ? s.lagSeconds() : 0,
                spec.volumeName(p.ordinal()),
                s.restarts(), s.message(), s.pendingRestart(), s.certificateExpires(), s.storage(),
                s.activity());
    }
}
