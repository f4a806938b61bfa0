package io.pgset.core.control;

import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.Observation;
import io.pgset.core.plan.RollingUpdatePlanner;
import io.pgset.core.spec.SpecReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells why a rollout makes no progress while it lasts: an instance refused the new configuration
 * (it runs its last good one), or an instance restarted for it has not been Ready for
 * {@link #RESTART_STALLS_AFTER}.
 */
final class RolloutWatch {

    /** How long an instance restarted for a rollout may stay unready before the rollout counts as stalled. */
    static final Duration RESTART_STALLS_AFTER = Duration.ofSeconds(60);

    /** Instances restarted for a rollout and not Ready again since, with when they were told to. */
    private final Map<String, Instant> restarted = new HashMap<>();

    /** An instance was told to restart for the rollout now. */
    void restarting(String pod, Instant now) {
        restarted.put(pod, now);
    }

    /** Forgets the instances seen Ready since their restart: before a pass acts, which may restart them again. */
    void seen(Observation observed) {
        restarted.keySet().removeIf(name -> observed.pods().stream().anyMatch(p -> p.name().equals(name) && p.ready()));
    }

    /** Goes on from what a watch of the controller this one replaces remembers. */
    void takeOver(RolloutWatch previous) {
        restarted.putAll(previous.restarted);
    }

    /** Why the rollout is stalled, empty while it is not; the events that say so go to {@code tell}. */
    String stalled(Observation observed, Instant now, java.util.function.Consumer<Event> tell) {
        String cluster = observed.spec().name();
        List<String> why = new ArrayList<>();
        String version = SpecReader.version(observed.spec());
        for (ObservedPod pod : observed.pods()) {
            // Only a refusal of this spec: one of an older spec ends with the reload this pass asks for.
            if (!pod.status().configRejected().isEmpty() && pod.status().specVersion().equals(version)) {
                tell.accept(Event.warning(Event.Reason.ConfigRejected, cluster, pod.name(), pod.name() + " "
                        + pod.status().configRejected()));
                why.add(RollingUpdatePlanner.stopped(pod));
            }
        }
        restarted.forEach((name, since) -> {
            Duration down = Duration.between(since, now);
            if (down.compareTo(RESTART_STALLS_AFTER) >= 0) {
                String said = observed.pods().stream().filter(p -> p.name().equals(name)).findFirst()
                        .map(p -> p.status().message()).filter(m -> !m.isEmpty()).orElse("its instance does not answer");
                why.add("rollout stalled: " + name + " has not been ready in the " + RESTART_STALLS_AFTER.toSeconds()
                        + " s since it restarted for the new spec (" + said + "); re-apply the previous spec to go back");
            }
        });
        String stalled = String.join("; ", why);
        if (!stalled.isEmpty()) {
            tell.accept(Event.warning(Event.Reason.RolloutStalled, cluster, null, stalled));
        }
        return stalled;
    }
}
