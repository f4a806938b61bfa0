package io.pgset.core.plan;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.ReplicationMode;
import io.pgset.core.model.Lsn;
import io.pgset.core.model.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides what happens when the primary is lost, and keeps every replica following the primary.
 *
 * <ol>
 *   <li><b>Healthy.</b> The recorded primary is a ready primary: nothing to fail over. Any
 *       running replica configured to stream from elsewhere is told to follow it (PostgreSQL
 *       reloads primary_conninfo without a restart).</li>
 *   <li><b>Two writable primaries.</b> Should never happen; if it does, every ready primary but
 *       the one on the newest timeline (the recorded one on a tie) is fenced at once.</li>
 *   <li><b>Lost.</b> The recorded primary's pod is gone and has been for
 *       {@code failover.delaySeconds}; or its pod runs but has not been a ready primary for
 *       {@code failover.delaySeconds} + {@link #DETECTION}, the time its instance manager gets to
 *       restart a crashed postgres in place.</li>
 *   <li><b>Nobody to promote.</b> With no replica running, nothing happens here: the scale
 *       planner starts the primary again from its volume.</li>
 *   <li><b>Candidate.</b> Among the running replicas that answer (within {@code spec.instances}),
 *       the one with the highest (timeline, received LSN); a tie goes to the lowest ordinal.</li>
 *   <li><b>Synchronous mode.</b> With {@code ANY k} of {@code n} standbys, a commit was
 *       acknowledged by k of them, so any {@code n - k + 1} standbys include one that holds it.
 *       Promotion happens only when at least that many answer; otherwise the cluster stays
 *       without a writable primary and says why, rather than lose acknowledged data.</li>
 *   <li><b>Fence before promote.</b> The plan is Fence(old primary), then Promote(candidate), then
 *       Follow(new primary) for every other candidate; the controller stops at the first step
 *       that fails, so no promotion follows a failed fence.</li>
 * </ol>
 */
public final class FailoverPlanner {

    /** How long a running primary may be unready (postgres restarting in place) before it counts as lost. */
    public static final Duration DETECTION = Duration.ofSeconds(5);

    private FailoverPlanner() {}

    /** The failover steps, or an empty list when the primary is not lost (other planners go on). */
    public static List<Action> plan(Observation observed) {
        List<Action> splitBrain = fenceExtraPrimaries(observed);
        if (!splitBrain.isEmpty() || observed.recordedPrimary().isEmpty()) {
            return splitBrain;
        }
        String primary = observed.recordedPrimary().get();
        if (observed.readyPrimary().map(p -> p.name().equals(primary)).orElse(false)) {
            return List.of();
        }
        List<ObservedPod> candidates = candidates(observed, primary);
        if (candidates.isEmpty()) {
            return List.of();
        }
        ClusterSpec spec = observed.spec();
        boolean podGone = observed.pod(primary).isEmpty();
        Duration detection = podGone ? Duration.ZERO : DETECTION;
        Duration grace = Duration.ofSeconds(spec.failover().delaySeconds())
                .plus(detection.compareTo(observed.fenceSettles()) > 0 ? detection : observed.fenceSettles());
        if (observed.primaryDownFor().compareTo(grace) < 0) {
            return List.of(new Action.Wait("primary " + primary + " is " + (podGone ? "gone" : "not ready")
                    + "; failing over after " + grace.toSeconds() + " s"));
        }
        if (spec.replication().mode() == ReplicationMode.SYNC) {
            int standbys = spec.instances() - 1;
            int needed = standbys - spec.replication().syncStandbys() + 1;
            if (candidates.size() < needed) {
                return List.of(new Action.Wait("primary " + primary + " is lost, but only " + candidates.size() + " of "
                        + standbys + " standbys answer and " + needed + " are needed to prove which one holds every"
                        + " synchronously acknowledged commit (ANY " + spec.replication().syncStandbys() + "); waiting"
                        + " instead of risking acknowledged data"));
            }
        }
        ObservedPod best = candidates.get(0);
        String why = "primary " + primary + " lost (" + (podGone ? "pod gone" : "not ready for "
                + observed.primaryDownFor().toSeconds() + " s") + ")";
        List<Action> steps = new ArrayList<>(List.of(new Action.Fence(primary, why),
                new Action.Promote(best.name(), why + "; " + best.name() + " is the most advanced of "
                        + describe(candidates))));
        // Right away, not a pass later: in sync mode no commit is acknowledged until one follows.
        candidates.stream().skip(1).forEach(other -> steps.add(new Action.Follow(other.name(), best.name(),
                other.name() + " follows the new primary " + best.name())));
        return steps;
    }

    /** Replicas streaming from anywhere but the ready primary are told to follow it. */
    public static List<Action> follows(Observation observed) {
        Optional<ObservedPod> primary = observed.readyPrimary();
        if (primary.isEmpty()) {
            return List.of();
        }
        String endpoint = primary.get().pod().host() + ":" + primary.get().pod().port();
        List<Action> actions = new ArrayList<>();
        for (ObservedPod pod : observed.pods()) {
            if (pod.status().started() && pod.status().role() == Role.REPLICA && !endpoint.equals(pod.status().upstream())) {
                actions.add(new Action.Follow(pod.name(), primary.get().name(), pod.name() + " streams from '"
                        + pod.status().upstream() + "', not from the primary " + primary.get().name()));
            }
        }
        return actions;
    }

    private static List<Action> fenceExtraPrimaries(Observation observed) {
        List<ObservedPod> primaries = observed.pods().stream().filter(ObservedPod::isReadyPrimary).toList();
        if (primaries.size() < 2) {
            return List.of();
        }
        String recorded = observed.recordedPrimary().orElse("");
        ObservedPod keep = primaries.stream()
                .max(Comparator.comparingLong((ObservedPod p) -> p.status().timeline())
                        .thenComparing(p -> p.name().equals(recorded)))
                .orElseThrow();
        return primaries.stream().filter(p -> p != keep)
                .map(p -> (Action) new Action.Fence(p.name(), "two writable primaries: " + p.name() + " (timeline "
                        + p.status().timeline() + ") is fenced, " + keep.name() + " (timeline "
                        + keep.status().timeline() + ") stays"))
                .toList();
    }

    private static List<ObservedPod> candidates(Observation observed, String lostPrimary) {
        return observed.pods().stream()
                .filter(p -> !p.name().equals(lostPrimary) && p.ordinal() < observed.spec().instances())
                .filter(p -> p.status().started() && p.status().role() == Role.REPLICA && p.status().newestLsn() != null)
                .sorted(Comparator.comparingLong((ObservedPod p) -> p.status().timeline())
                        .thenComparingLong(p -> Lsn.parse(p.status().newestLsn()))
                        .reversed()
                        .thenComparingInt(ObservedPod::ordinal))
                .toList();
    }

    private static String describe(List<ObservedPod> candidates) {
        return candidates.stream()
                .map(p -> p.name() + " (timeline " + p.status().timeline() + ", received " + p.status().newestLsn() + ")")
                .collect(Collectors.joining(", "));
    }
}
