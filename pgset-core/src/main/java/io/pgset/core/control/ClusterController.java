package io.pgset.core.control;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Lsn;
import io.pgset.core.model.Phase;
import io.pgset.core.model.Role;
import io.pgset.core.plan.Action;
import io.pgset.core.plan.FailoverPlanner;
import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.RollingUpdatePlanner;
import io.pgset.core.plan.Observation;
import io.pgset.core.plan.ScalePlanner;
import io.pgset.core.plan.SwitchoverPlanner;
import io.pgset.core.spec.SpecReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The HA brain's loop: observe, plan, act, publish status. The same controller drives every
 * runtime; it holds no state but what it reported last, so it can be restarted at any moment.
 * Not thread-safe: one loop calls {@link #reconcile}.
 */
public final class ClusterController {

    private final ClusterRuntime runtime;
    private final InstanceClient client;
    private final EventSink events;
    private final Clock clock;
    /** Since when the recorded primary has not been a ready primary; null while it is. */
    private Instant primaryLostSince;
    /** Events of the previous pass: one repeated every half second (a wait, a failing step) is told once. */
    private Set<Event> toldBefore = Set.of();
    private Set<Event> told = new HashSet<>();
    private boolean acted;

    public ClusterController(ClusterRuntime runtime, InstanceClient client, EventSink events, Clock clock) {
        this.runtime = runtime;
        this.client = client;
        this.events = events;
        this.clock = clock;
    }

    public ClusterController(ClusterRuntime runtime, InstanceClient client, EventSink events) {
        this(runtime, client, events, Clock.systemUTC());
    }

    public ClusterStatus reconcile(ClusterSpec spec) {
        Observation seen = observe(spec);
        rememberPrimary(seen);
        Observation observed = new Observation(spec, seen.pods(), runtime.recordedPrimary(), primaryDownFor(seen),
                runtime.fenceSettles());
        List<Action> plan = plan(observed);
        List<String> failures = act(plan, observed);
        // A step that failed is retried at the normal pace, not at once.
        acted = failures.isEmpty()
                && plan.stream().anyMatch(a -> !(a instanceof Action.Wait) && !(a instanceof Action.EnsureSlots));
        toldBefore = told;
        told = new HashSet<>();
        return StatusBuilder.build(observed, runtime.volumes(), plan, failures);
    }

    /** Whether the last pass changed something (created, deleted, fenced, promoted, ...): the next one should come soon. */
    public boolean acted() {
        return acted;
    }

    /** Status from one look at the cluster, changing nothing (for when no controller runs). */
    public ClusterStatus inspect(ClusterSpec spec) {
        return StatusBuilder.build(observe(spec), runtime.volumes(), List.of(new Action.Wait("")), List.of());
    }

    /** Failing over excludes everything else; otherwise replicas follow the primary and scaling goes on. */
    private static List<Action> plan(Observation observed) {
        List<Action> failover = FailoverPlanner.plan(observed);
        if (failover.stream().anyMatch(a -> !(a instanceof Action.Wait))) {
            return failover;
        }
        List<Action> plan = new ArrayList<>(failover);
        plan.addAll(FailoverPlanner.follows(observed));
        List<Action> scale = ScalePlanner.plan(observed);
        plan.addAll(scale);
        // Reloads go on whatever else happens; restarts (voluntary disruptions) never while instances
        // are created or removed, and within disruption.maxUnavailable.
        List<Action> rolling = RollingUpdatePlanner.plan(observed);
        boolean reloads = rolling.stream().anyMatch(a -> a instanceof Action.Reload);
        boolean scaling = scale.stream().anyMatch(a -> !settled(a) && !(a instanceof Action.Wait));
        if (reloads || !scaling) {
            plan.addAll(rolling);
        }
        return plan;
    }

    /** Nothing to do: keeping slots, or a wait for nothing. */
    static boolean settled(Action action) {
        return action instanceof Action.EnsureSlots || (action instanceof Action.Wait w && w.reason().isEmpty());
    }

    private Duration primaryDownFor(Observation seen) {
        Optional<String> recorded = runtime.recordedPrimary();
        boolean healthy = recorded.isEmpty()
                || seen.readyPrimary().map(p -> p.name().equals(recorded.get())).orElse(false);
        if (healthy) {
            primaryLostSince = null;
            return Duration.ZERO;
        }
        if (primaryLostSince == null) {
            primaryLostSince = clock.instant();
        }
        return Duration.between(primaryLostSince, clock.instant());
    }

    private Observation observe(ClusterSpec spec) {
        List<ObservedPod> pods = new ArrayList<>();
        for (PodState pod : runtime.pods()) {
            if (pod.running()) {
                pods.add(new ObservedPod(pod, client.status(pod)));
            }
        }
        return new Observation(spec, pods, runtime.recordedPrimary());
    }

    /** Records the ready primary; never while two claim the role (the failover planner fences one first). */
    private void rememberPrimary(Observation observed) {
        if (observed.pods().stream().filter(ObservedPod::isReadyPrimary).count() > 1) {
            return;
        }
        observed.readyPrimary()
                .filter(p -> !observed.recordedPrimary().equals(Optional.of(p.name())))
                .ifPresent(p -> {
                    runtime.recordPrimary(p.name());
                    events.record(Event.normal(Event.Reason.PrimaryChanged, observed.spec().name(), p.name(),
                            "primary is " + p.name() + " (timeline " + p.status().timeline() + ")"));
                });
    }

    private List<String> act(List<Action> plan, Observation observed) {
        List<String> failures = new ArrayList<>();
        String cluster = observed.spec().name();
        for (Action action : plan) {
            ActionEvents.of(action, observed.spec()).ifPresent(this::tell);
            try {
                carryOut(action, observed);
            } catch (Exception e) {
                String failure = action.getClass().getSimpleName() + " failed: " + e.getMessage();
                failures.add(failure);
                tell(Event.warning(Event.Reason.Failed, cluster, ActionEvents.pod(action, observed.spec()).orElse(null),
                        failure));
                break; // later steps may depend on this one (never promote after a failed fence)
            }
        }
        return failures;
    }

    private void carryOut(Action action, Observation observed) throws Exception {
        if (action instanceof Action.CreatePod create) {
            Optional<PodState> upstream = create.upstream().flatMap(name -> podNamed(observed, name));
            runtime.createPod(create.ordinal(), upstream, create.newDatabase());
        } else if (action instanceof Action.DeletePod delete) {
            PodState pod = podNamed(observed, delete.pod()).orElseThrow();
            runtime.deletePod(pod);
            if (delete.deleteVolume()) {
                runtime.deleteVolume(pod.ordinal());
            }
        } else if (action instanceof Action.Fence fence) {
            runtime.fence(fence.pod());
        } else if (action instanceof Action.Promote promote) {
            promoteRecorded(podNamed(observed, promote.pod()).orElseThrow(), observed.recordedPrimary());
            primaryLostSince = null;
            tell(Event.normal(Event.Reason.PrimaryChanged, observed.spec().name(), promote.pod(),
                    "primary is " + promote.pod() + " (promoted)"));
        } else if (action instanceof Action.Switchover switchover) {
            switchover(observed.spec(), switchover.to());
        } else if (action instanceof Action.Follow follow) {
            client.follow(podNamed(observed, follow.pod()).orElseThrow(),
                    podNamed(observed, follow.primary()).orElseThrow());
        } else if (action instanceof Action.Reload reload) {
            client.reload(podNamed(observed, reload.pod()).orElseThrow());
        } else if (action instanceof Action.Restart restart) {
            client.restart(podNamed(observed, restart.pod()).orElseThrow());
        } else if (action instanceof Action.EnsureSlots slots) {
            client.ensureSlots(podNamed(observed, slots.primary()).orElseThrow(), slots.slots());
        }
    }

    /**
     * A planned switchover, with no committed transaction lost:
     * <ol>
     *   <li>the target is chosen or refused ({@link SwitchoverPlanner});</li>
     *   <li>the primary stops cleanly, which sends every record up to its shutdown checkpoint to
     *       the streaming replicas, and starts again as a replica of the target;</li>
     *   <li>the target must report WAL received past that checkpoint (within
     *       {@link #CATCH_UP}); only then is it promoted and recorded as the primary. The other
     *       replicas are told to follow it at the next pass;</li>
     *   <li>if the target does not catch up, the old primary is promoted back instead: it
     *       never diverged, so nothing is lost either way.</li>
     * </ol>
     *
     * @return the new primary
     * @throws IllegalStateException saying why, when the switchover is refused or fails
     */
    public String switchover(ClusterSpec spec, Optional<String> to) {
        Observation observed = observe(spec);
        SwitchoverPlanner.Choice choice = SwitchoverPlanner.choose(observed, to);
        if (choice.target().isEmpty()) {
            throw new IllegalStateException("switchover refused: " + choice.refusal());
        }
        PodState primary = choice.primary().orElseThrow().pod();
        PodState target = choice.target().get().pod();
        String cluster = spec.name();
        events.record(Event.normal(Event.Reason.Switchover, cluster, primary.name(), "switchover " + primary.name()
                + " -> " + target.name() + ": stopping " + primary.name() + " cleanly"));
        try {
            String checkpoint = client.demote(primary, target);
            if (!caughtUp(target, checkpoint)) {
                events.record(Event.warning(Event.Reason.Switchover, cluster, primary.name(), "switchover aborted: "
                        + target.name() + " did not receive the shutdown checkpoint " + checkpoint + " within "
                        + CATCH_UP.toSeconds() + " s; " + primary.name() + " takes the primary role back"));
                awaitStarted(primary);
                promoteRecorded(primary, Optional.of(primary.name()));
                throw new IllegalStateException("switchover aborted: " + target.name() + " did not catch up");
            }
            promoteRecorded(target, Optional.of(primary.name()));
            primaryLostSince = null;
            events.record(Event.normal(Event.Reason.PrimaryChanged, cluster, target.name(), "primary is "
                    + target.name() + " (switchover; it had received the shutdown checkpoint " + checkpoint + " of "
                    + primary.name() + ")"));
            return target.name();
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            events.record(Event.warning(Event.Reason.Failed, cluster, target.name(), "switchover failed: "
                    + e.getMessage()));
            throw new IllegalStateException("switchover failed: " + e.getMessage(), e);
        }
    }

    /**
     * Records the pod as the primary, then promotes it. The record comes first: an instance that
     * starts meanwhile (Kubernetes: a fenced primary's pod, recreated at once) reads it to decide
     * whether it is the primary, and must not read the one that is being replaced. If the
     * promotion fails, the record goes back to what it was.
     */
    private void promoteRecorded(PodState pod, Optional<String> before) throws Exception {
        runtime.recordPrimary(pod.name());
        try {
            client.promote(pod);
        } catch (Exception e) {
            before.ifPresent(runtime::recordPrimary);
            throw e;
        }
    }

    /** How long a switchover target may take to receive the old primary's last record. */
    static final Duration CATCH_UP = Duration.ofSeconds(30);

    private boolean caughtUp(PodState target, String checkpoint) throws InterruptedException {
        Instant deadline = clock.instant().plus(CATCH_UP);
        while (clock.instant().isBefore(deadline)) {
            InstanceStatus s = client.status(target);
            if (s.receivedLsn() != null && Lsn.parse(s.receivedLsn()) > Lsn.parse(checkpoint)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private void awaitStarted(PodState pod) throws InterruptedException {
        Instant deadline = clock.instant().plus(CATCH_UP);
        while (clock.instant().isBefore(deadline) && !client.status(pod).started()) {
            Thread.sleep(100);
        }
    }

    private void tell(Event event) {
        told.add(event);
        if (!toldBefore.contains(event)) {
            events.record(event);
        }
    }

    private static Optional<PodState> podNamed(Observation observed, String name) {
        return observed.pods().stream().map(ObservedPod::pod).filter(p -> p.name().equals(name)).findFirst();
    }
}
