package io.pgset.core.control;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.StorageLevel;
import io.pgset.core.plan.Action;
import io.pgset.core.plan.FailoverPlanner;
import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.RollingUpdatePlanner;
import io.pgset.core.plan.Observation;
import io.pgset.core.plan.ScalePlanner;
import io.pgset.core.plan.SwitchoverInFlight;
import io.pgset.core.plan.SwitchoverPlanner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The HA brain's loop: observe, plan, act, publish status. The same controller drives every
 * runtime. Between passes it remembers only what a pass cannot see: since when the primary has
 * been lost, what it told last, and a switchover in flight (see {@link SwitchoverPlanner}); a
 * controller that restarts loses at most a switchover, which the failover rules then finish.
 * It never waits: each pass looks once, acts, and returns. Not thread-safe: one loop calls
 * {@link #reconcile} and {@link #beginSwitchover}.
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
    /** The switchover between its clean stop and its end, carried over passes. */
    private Optional<SwitchoverInFlight> switchover = Optional.empty();
    /** The last switchover begun, as status shows it; null before any. */
    private ClusterStatus.Switchover lastSwitchover;
    private final RolloutWatch rollout = new RolloutWatch();
    /** Whether the primary's archiving was failing, so that its start and its end are each told once. */
    private ArchivingWatch archiving = new ArchivingWatch();
    /** How full each volume was, so that crossing the storage alert and coming back are each told once. */
    private StorageWatch storageLevels = new StorageWatch();
    /** Failovers and switchovers so far; read by other threads (metrics), written by the loop. */
    private volatile HaCounters counters = HaCounters.NONE;

    /** How long an instance restarted for a rollout may stay unready before the rollout counts as stalled. */
    public static final Duration RESTART_STALLS_AFTER = RolloutWatch.RESTART_STALLS_AFTER;

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
                runtime.recordedPrimary().map(runtime::fenceSettles).orElseGet(runtime::fenceSettles));
        List<Action> plan = switchover.isPresent() ? planDuringSwitchover(switchover.get(), observed) : plan(observed);
        // Seen Ready since its restart: before this pass acts, which may restart it again.
        rollout.seen(observed);
        List<String> failures = act(plan, observed);
        StorageReports.of(observed).forEach(this::tell);
        CloneEvents.of(observed).forEach(this::tell);
        archiving.next(observed).ifPresent(this::tell);
        storageLevels.next(observed).forEach(events::record);
        String stalled = rollout.stalled(observed, clock.instant(), this::tell);
        // A step that failed is retried at the normal pace, not at once; a switchover is watched closely.
        acted = switchover.isPresent() || (failures.isEmpty()
                && plan.stream().anyMatch(a -> !(a instanceof Action.Wait) && !(a instanceof Action.EnsureSlots)));
        toldBefore = told;
        told = new HashSet<>();
        return StatusBuilder.build(observed, runtime.volumes(), plan, failures).withSwitchover(lastSwitchover)
                .withStalled(stalled);
    }

    /**
     * Takes over what a controller of the same cluster remembers (it is being replaced, say for
     * a new spec): a switchover in flight goes on, a lost primary's clock keeps running.
     */
    public void takeOver(ClusterController previous) {
        primaryLostSince = previous.primaryLostSince;
        toldBefore = previous.toldBefore;
        switchover = previous.switchover;
        lastSwitchover = previous.lastSwitchover;
        rollout.takeOver(previous.rollout);
        archiving = previous.archiving;
        storageLevels = previous.storageLevels;
        counters = previous.counters;
    }

    /**
     * The level each instance's volume had when its status was last published, by a controller
     * this one replaces without {@link #takeOver} (another process, after a restart): crossings
     * told then are not told again.
     */
    public void storageLevelsPublished(Map<String, StorageLevel> levels) {
        storageLevels.knownBefore(levels);
    }

    /** Failovers and switchovers this controller (and those it took over from) carried out; any thread. */
    public HaCounters counters() {
        return counters;
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

    /** The switchover's next step, and what the other planners may do meanwhile. */
    private List<Action> planDuringSwitchover(SwitchoverInFlight s, Observation observed) {
        List<Action> others = new ArrayList<>(FailoverPlanner.follows(observed));
        others.addAll(ScalePlanner.plan(observed));
        others.addAll(RollingUpdatePlanner.plan(observed));
        List<Action> plan = new ArrayList<>(List.of(SwitchoverPlanner.next(s, observed, clock.instant())));
        plan.addAll(SwitchoverPlanner.alongside(s, observed.spec(), others));
        return plan;
    }

    /** Nothing to do: keeping slots, or a wait for nothing. */
    static boolean settled(Action action) {
        return action instanceof Action.EnsureSlots || (action instanceof Action.Wait w && w.reason().isEmpty());
    }

    private Duration primaryDownFor(Observation seen) {
        Optional<String> recorded = runtime.recordedPrimary();
        // A switchover stops the primary on purpose; it is not lost.
        boolean healthy = recorded.isEmpty() || switchover.isPresent()
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
            if (action instanceof Action.Switchover) {
                break; // the next passes carry it on, from what they see
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
            counters = counters.failedOver(primaryLostSince == null ? Duration.ZERO
                    : Duration.between(primaryLostSince, clock.instant()));
            primaryLostSince = null;
            tell(Event.normal(Event.Reason.PrimaryChanged, observed.spec().name(), promote.pod(),
                    "primary is " + promote.pod() + " (promoted)"));
        } else if (action instanceof Action.Switchover planned) {
            beginSwitchover(observed.spec(), planned.to());
        } else if (action instanceof Action.Handover handover) {
            endSwitchover(handover, observed);
        } else if (action instanceof Action.Follow follow) {
            client.follow(podNamed(observed, follow.pod()).orElseThrow(),
                    podNamed(observed, follow.primary()).orElseThrow());
        } else if (action instanceof Action.Reload reload) {
            client.reload(podNamed(observed, reload.pod()).orElseThrow());
        } else if (action instanceof Action.Restart restart) {
            client.restart(podNamed(observed, restart.pod()).orElseThrow());
            rollout.restarting(restart.pod(), clock.instant());
        } else if (action instanceof Action.EnsureSlots slots) {
            client.ensureSlots(podNamed(observed, slots.primary()).orElseThrow(), slots.slots());
        }
    }

    /**
     * Begins a switchover to {@code to} (or the best replica): steps 1 and 2 of
     * {@link SwitchoverPlanner}. The passes that follow end it; {@link ClusterStatus#switchover()}
     * tells how.
     *
     * @return the switchover, in progress
     * @throws IllegalStateException saying why, when it is refused or the primary cannot be stopped
     */
    public ClusterStatus.Switchover beginSwitchover(ClusterSpec spec, Optional<String> to) {
        if (switchover.isPresent()) {
            throw new IllegalStateException("switchover refused: " + switchover.get().describe() + " is in progress");
        }
        SwitchoverPlanner.Choice choice = SwitchoverPlanner.choose(observe(spec), to);
        if (choice.target().isEmpty()) {
            throw new IllegalStateException("switchover refused: " + choice.refusal());
        }
        PodState primary = choice.primary().orElseThrow().pod();
        PodState target = choice.target().get().pod();
        events.record(Event.normal(Event.Reason.Switchover, spec.name(), primary.name(), "switchover " + primary.name()
                + " -> " + target.name() + ": stopping " + primary.name() + " cleanly"));
        String checkpoint;
        try {
            checkpoint = client.demote(primary, target);
        } catch (Exception e) {
            events.record(Event.warning(Event.Reason.Failed, spec.name(), primary.name(), "switchover failed: "
                    + e.getMessage()));
            throw new IllegalStateException("switchover failed: " + e.getMessage(), e);
        }
        SwitchoverInFlight begun = new SwitchoverInFlight(primary.name(), target.name(), checkpoint, clock.instant());
        switchover = Optional.of(begun);
        primaryLostSince = null;
        lastSwitchover = begun.status(ClusterStatus.Switchover.State.IN_PROGRESS, "");
        return lastSwitchover;
    }

    /** Steps 3 and 4 of {@link SwitchoverPlanner}: the switchover ends here, whatever happens. */
    private void endSwitchover(Action.Handover handover, Observation observed) throws Exception {
        SwitchoverInFlight s = switchover.orElseThrow();
        switchover = Optional.empty();
        try {
            PodState pod = podNamed(observed, handover.pod())
                    .orElseThrow(() -> new IllegalStateException(handover.pod() + " is not running"));
            promoteRecorded(pod, Optional.of(s.from()));
        } catch (Exception e) {
            lastSwitchover = s.status(ClusterStatus.Switchover.State.FAILED, "switchover failed: " + e.getMessage());
            throw e;
        }
        primaryLostSince = null;
        if (handover.aborted()) {
            lastSwitchover = s.status(ClusterStatus.Switchover.State.ABORTED, "switchover aborted: " + handover.reason());
            tell(Event.normal(Event.Reason.PrimaryChanged, observed.spec().name(), s.from(), "primary is " + s.from()
                    + " (it took the role back)"));
        } else {
            lastSwitchover = s.status(ClusterStatus.Switchover.State.DONE, "");
            counters = counters.switchedOver();
            tell(Event.normal(Event.Reason.PrimaryChanged, observed.spec().name(), s.to(), "primary is " + s.to()
                    + " (switchover; it had received the shutdown checkpoint " + s.checkpoint() + " of " + s.from() + ")"));
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
