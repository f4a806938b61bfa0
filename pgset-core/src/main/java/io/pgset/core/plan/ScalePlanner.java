package io.pgset.core.plan;

import io.pgset.core.config.PostgresConfRenderer;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PodManagementPolicy;
import io.pgset.core.model.PodName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Decides which instances to create or remove: StatefulSet semantics ({@code podManagementPolicy}
 * OrderedReady or Parallel), plus the database-aware steps a StatefulSet controller cannot know about.
 *
 * <ol>
 *   <li><b>Slots first.</b> While a primary is ready it keeps one replication slot for every
 *       desired replica ordinal and none for any other, so a clone always finds its slot waiting
 *       and an instance that was scaled away never pins WAL on the primary.</li>
 *   <li><b>No primary running.</b> A cluster never started creates ordinal 0 alone, which runs
 *       initdb on an empty volume (a kept volume's data is started as it is: see DataRules). A cluster that has run before creates its recorded primary first, with no
 *       upstream, so it comes back as primary from its own volume (never a new database: an
 *       empty volume there is an error to report, not something to fill); the others wait.</li>
 *   <li><b>Scale up and recreate.</b> With a ready primary, missing ordinals below
 *       {@code spec.instances} are created, each cloning from and following the primary (through
 *       the slot of rule 1, which it finds waiting). {@code podManagementPolicy: OrderedReady}
 *       (the default): the lowest missing one, and only when every lower ordinal is Ready; one
 *       instance at a time. {@code Parallel}: every missing one in the same pass, whether or not the
 *       others are Ready yet, as far as the primary's WAL senders go (a clone takes two). What rule
 *       2 creates stays alone under both: a replica has nothing to clone until a primary is ready,
 *       and must never run initdb.</li>
 *   <li><b>Scale down.</b> Under both policies, only when every instance that stays is Ready, the
 *       highest ordinal at or above {@code spec.instances} is removed, one at a time (removing
 *       replicas together gains nothing, and the switchover below must come first); its volume stays unless
 *       {@code storage.retainOnScaleDown} is false, and only once every instance has loaded the
 *       new spec (so a synchronous primary no longer waits for the instance that goes). The primary is never removed: when it is the
 *       one to go, the plan is a switchover first.</li>
 *   <li>Otherwise the plan is to wait, and says for what.</li>
 * </ol>
 */
public final class ScalePlanner {

    private ScalePlanner() {}

    public static List<Action> plan(Observation observed) {
        List<Action> actions = new ArrayList<>();
        observed.readyPrimary().ifPresent(primary -> actions.add(slots(observed, primary)));
        actions.addAll(membership(observed));
        return actions;
    }

    private static Action slots(Observation observed, ObservedPod primary) {
        ClusterSpec spec = observed.spec();
        List<String> slots = IntStream.range(0, spec.instances())
                .filter(ordinal -> ordinal != primary.ordinal())
                .mapToObj(spec::slotName)
                .toList();
        return new Action.EnsureSlots(primary.name(), slots, "one slot per desired replica");
    }

    private static List<Action> membership(Observation observed) {
        Optional<ObservedPod> primary = observed.readyPrimary();
        if (primary.isEmpty()) {
            return List.of(withoutPrimary(observed));
        }
        ClusterSpec spec = observed.spec();
        if (spec.podManagementPolicy() == PodManagementPolicy.PARALLEL) {
            List<Integer> missing = IntStream.range(0, spec.instances()).filter(o -> observed.pod(o).isEmpty())
                    .boxed().toList();
            if (!missing.isEmpty()) {
                return parallel(observed, primary.get(), missing);
            }
        }
        for (int ordinal = 0; ordinal < spec.instances(); ordinal++) {
            Optional<ObservedPod> pod = observed.pod(ordinal);
            if (pod.isEmpty()) {
                return List.of(create(spec, ordinal, primary.get(), ""));
            }
            if (!pod.get().ready()) {
                return List.of(new Action.Wait(pod.get().name() + " is not ready yet: " + pod.get().status().message()));
            }
        }
        return List.of(scaleDown(observed, primary.get()));
    }

    /**
     * Every missing ordinal, as far as the primary's WAL senders go: a clone ({@code pg_basebackup
     * -X stream}) takes two while it runs, a replica one (counted as two while it is not ready, as
     * it may be cloning still). A clone refused a sender would fail; those left over come in a
     * later pass, as senders free up.
     */
    private static List<Action> parallel(Observation observed, ObservedPod primary, List<Integer> missing) {
        ClusterSpec spec = observed.spec();
        int senders = PostgresConfRenderer.walSenders(spec);
        int taken = observed.pods().stream().filter(p -> !p.name().equals(primary.name()))
                .mapToInt(p -> p.ready() ? 1 : 2).sum();
        int room = (senders - taken) / 2;
        if (room <= 0) {
            return List.of(new Action.Wait(missing.size() + " missing instances wait for WAL senders: the primary's "
                    + senders + " (max_wal_senders) are taken by the replicas and the clones that run"));
        }
        return missing.stream().limit(room)
                .map(o -> create(spec, o, primary, " (Parallel: every missing instance at once)")).toList();
    }

    private static Action create(ClusterSpec spec, int ordinal, ObservedPod primary, String how) {
        return new Action.CreatePod(ordinal, Optional.of(primary.name()), false,
                "scale up: " + spec.podName(ordinal) + " is missing (want " + spec.instances() + ")" + how);
    }

    private static Action scaleDown(Observation observed, ObservedPod primary) {
        ClusterSpec spec = observed.spec();
        List<ObservedPod> surplus = observed.pods().stream().filter(p -> p.ordinal() >= spec.instances()).toList();
        if (surplus.isEmpty()) {
            return new Action.Wait("");
        }
        // Only those that stay count: one on its way out (a demoted primary whose slot is already
        // gone, say) need not stream before it is removed.
        if (!observed.pods().stream().filter(p -> p.ordinal() < spec.instances()).allMatch(ObservedPod::ready)) {
            return new Action.Wait("scale down waits until every instance that stays is ready");
        }
        if (!RollingUpdatePlanner.current(observed)) {
            // In sync mode the primary must stop waiting for the instance before it goes.
            return new Action.Wait("scale down waits until every instance has loaded the new spec");
        }
        ObservedPod highest = surplus.get(surplus.size() - 1);
        if (highest.name().equals(primary.name())) {
            return new Action.Switchover(Optional.empty(), "scale down would remove the primary " + primary.name()
                    + ": switching over first");
        }
        boolean deleteVolume = !spec.storage().retainOnScaleDown();
        return new Action.DeletePod(highest.name(), deleteVolume, "scale down: " + highest.name() + " is beyond "
                + spec.instances() + " instances" + (deleteVolume ? " (its volume goes too)" : ""));
    }

    private static Action withoutPrimary(Observation observed) {
        ClusterSpec spec = observed.spec();
        if (observed.recordedPrimary().isEmpty()) {
            if (observed.pod(0).isEmpty()) {
                return new Action.CreatePod(0, Optional.empty(), true, "new cluster: " + spec.podName(0)
                        + " starts on its volume (a new database if the volume is empty)");
            }
            return new Action.Wait("waiting for " + spec.podName(0) + " to finish bootstrap: "
                    + observed.pod(0).get().status().message());
        }
        String recorded = observed.recordedPrimary().get();
        int ordinal = PodName.parse(recorded).ordinal();
        Optional<ObservedPod> pod = observed.pod(ordinal);
        if (pod.isEmpty()) {
            return new Action.CreatePod(ordinal, Optional.empty(), false,
                    "no primary running: starting the last primary " + recorded + " from its volume");
        }
        return new Action.Wait("waiting for the primary " + recorded + ": " + pod.get().status().message());
    }
}
