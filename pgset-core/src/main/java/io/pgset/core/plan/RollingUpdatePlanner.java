package io.pgset.core.plan;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PendingRestart;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings running instances to the current spec, primary last.
 *
 * <ol>
 *   <li><b>Reload everywhere.</b> Every running instance whose loaded spec version differs from
 *       the wanted one is told to reload; a reload disturbs nobody, so all of them go at once.
 *       Nothing restarts until every instance has reloaded, because only then does each one know
 *       which of its parameters wait for a restart.</li>
 *   <li><b>Budget.</b> A restart is a voluntary disruption: it happens only when the instances
 *       already unavailable, plus this one, stay within {@code disruption.maxUnavailable}.</li>
 *   <li><b>Replicas first, highest ordinal first,</b> one at a time: the next waits until the
 *       last is Ready again.</li>
 *   <li><b>Primary last, by switchover.</b> When only the primary waits for a restart, the plan
 *       is a switchover to a replica (which already runs the new configuration); the old primary
 *       stops cleanly and starts again as a replica, which applies its new parameters. A cluster
 *       of one instance has no replica to hand over to: its primary restarts in place.</li>
 *   <li><b>Lowering a hot-standby minimum</b> ({@link #STANDBY_MINIMUMS}): a standby refuses to
 *       run with less than its primary has, so the order flips for such a change: the primary
 *       restarts first, in place (writes pause for the restart), then the replicas. Removing such
 *       a parameter from the spec lowers it just the same when the server's default is below the
 *       running value: the instance reports the default it goes back to, compared by value.</li>
 *   <li><b>Stop at a refusal.</b> An instance whose postgres refused the new configuration goes
 *       back to its last good one and says so; no other instance restarts for that spec, and the
 *       plan waits, saying why, until a new spec is applied.</li>
 * </ol>
 */
public final class RollingUpdatePlanner {

    /** Parameters a hot standby must have at least as high as its primary. */
    public static final Set<String> STANDBY_MINIMUMS = Set.of("max_connections", "max_worker_processes",
            "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction");

    private RollingUpdatePlanner() {}

    /** Reloads, or the one restart (or switchover) to do now, or a wait; empty when all is current. */
    public static List<Action> plan(Observation observed) {
        Optional<ObservedPod> primary = observed.readyPrimary();
        if (primary.isEmpty()) {
            return List.of();
        }
        String version = SpecReader.version(observed.spec());
        List<Action> reloads = observed.pods().stream()
                .filter(p -> p.status().started() && !current(p, version))
                .map(p -> (Action) new Action.Reload(p.name(), "the spec changed: " + p.name() + " loads version "
                        + version + " (it runs " + p.status().specVersion() + ")"))
                .toList();
        if (!reloads.isEmpty()) {
            return reloads;
        }
        Optional<ObservedPod> rejected = observed.pods().stream()
                .filter(p -> !p.status().configRejected().isEmpty()).findFirst();
        if (rejected.isPresent()) {
            return List.of(new Action.Wait(stopped(rejected.get())));
        }
        List<ObservedPod> pending = observed.pods().stream()
                .filter(p -> p.ordinal() < observed.spec().instances() && !p.status().pendingRestart().isEmpty())
                .sorted(Comparator.comparingInt(ObservedPod::ordinal).reversed())
                .toList();
        if (pending.isEmpty()) {
            return List.of();
        }
        ClusterSpec spec = observed.spec();
        long unavailable = observed.pods().stream().filter(p -> p.ordinal() < spec.instances() && !p.ready()).count()
                + (spec.instances() - observed.pods().stream().filter(p -> p.ordinal() < spec.instances()).count());
        int budget = spec.disruption().maxUnavailable();
        if (unavailable + 1 > budget) {
            return List.of(new Action.Wait("rolling restart of " + names(pending) + " waits: " + unavailable
                    + " instance(s) unavailable and disruption.maxUnavailable is " + budget));
        }
        ObservedPod p = primary.get();
        List<PendingRestart> lowered = p.status().pendingRestart().stream().filter(RollingUpdatePlanner::lowers).toList();
        if (!lowered.isEmpty()) {
            return List.of(new Action.Restart(p.name(), "rolling update, primary first: lowering " + describe(lowered)
                    + " on replicas before the primary would stop them; " + p.name() + " restarts in place"));
        }
        Optional<ObservedPod> replica = pending.stream().filter(r -> r.status().role() == Role.REPLICA).findFirst();
        if (replica.isPresent()) {
            ObservedPod r = replica.get();
            return List.of(new Action.Restart(r.name(), "rolling update, replicas first (highest ordinal first): "
                    + r.name() + " restarts for " + describe(r.status().pendingRestart())));
        }
        boolean replicaReady = observed.pods().stream()
                .anyMatch(r -> r.ordinal() < spec.instances() && r.ready() && r.status().role() == Role.REPLICA);
        if (spec.instances() > 1 && replicaReady) {
            return List.of(new Action.Switchover(Optional.empty(), "rolling update, primary last: " + p.name()
                    + " waits for " + describe(p.status().pendingRestart()) + "; switching over first"));
        }
        if (spec.instances() > 1) {
            return List.of(new Action.Wait("rolling update: the primary " + p.name() + " waits for a restart, and"
                    + " no ready replica can take over first"));
        }
        return List.of(new Action.Restart(p.name(), "rolling update of a single instance: " + p.name()
                + " restarts in place for " + describe(p.status().pendingRestart())));
    }

    /** Why the rollout stops at an instance whose postgres refused the new configuration. */
    public static String stopped(ObservedPod pod) {
        return "rollout stopped: " + pod.name() + " " + pod.status().configRejected() + "; no other instance"
                + " restarts for this spec. Fix the spec and apply it again, or re-apply the previous spec";
    }

    /** Every running instance has loaded the current spec. */
    public static boolean current(Observation observed) {
        String version = SpecReader.version(observed.spec());
        return observed.pods().stream().allMatch(p -> current(p, version));
    }

    /** An instance that reports no version does not manage its configuration this way, and is left alone. */
    private static boolean current(ObservedPod pod, String version) {
        String loaded = pod.status().specVersion();
        return loaded.isEmpty() || loaded.equals(version);
    }

    /**
     * Whether the change lowers a hot-standby minimum. Compared by value: a parameter the spec no
     * longer sets goes back to the server's default, which the instance reports as the wanted value.
     */
    static boolean lowers(PendingRestart change) {
        if (!STANDBY_MINIMUMS.contains(change.parameter())) {
            return false;
        }
        try {
            return Long.parseLong(change.wanted().strip()) < Long.parseLong(change.current().strip());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String describe(List<PendingRestart> changes) {
        return changes.stream().map(PendingRestart::toString).collect(Collectors.joining(", "));
    }

    private static String names(List<ObservedPod> pods) {
        return pods.stream().map(ObservedPod::name).collect(Collectors.joining(", "));
    }
}
