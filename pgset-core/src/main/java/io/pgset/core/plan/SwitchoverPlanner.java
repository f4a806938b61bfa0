package io.pgset.core.plan;

import io.pgset.core.model.Lsn;
import io.pgset.core.model.Role;
import io.pgset.core.model.ClusterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A planned switchover, with no committed transaction lost. It spans several controller passes:
 * the controller begins it (steps 1-2) and keeps a {@link SwitchoverInFlight} until a pass ends it
 * (steps 3-5); nothing in it waits or sleeps.
 *
 * <ol>
 *   <li><b>Target.</b> There must be a ready primary to hand over from. It is briefly unavailable,
 *       so the instances already unavailable plus that one must stay within
 *       {@code disruption.maxUnavailable}. A requested target must be one of the cluster's desired
 *       instances, not the primary, and a ready replica that streams from it; with none
 *       requested, the ready streaming replica with the most WAL received is chosen (the lowest
 *       ordinal on a tie). Otherwise the switchover is refused, saying why ({@link #choose}).</li>
 *   <li><b>Clean stop.</b> The primary stops cleanly, which sends every record up to its shutdown
 *       checkpoint to the streaming replicas, and starts again as a replica of the target. The
 *       controller notes the checkpoint and the time.</li>
 *   <li><b>Caught up.</b> At each pass, once the target reports WAL received past that checkpoint,
 *       it is recorded as the primary and promoted (the record first; restored if the promotion
 *       fails). The other replicas are told to follow it at the next pass.</li>
 *   <li><b>Not in time.</b> If the target has not caught up within {@link #CATCH_UP}, the old
 *       primary takes the role back once it has started again (or after another
 *       {@link #CATCH_UP} regardless): it never diverged, so nothing is lost either way.</li>
 *   <li><b>Hands off.</b> While a switchover is in flight, no failover happens (the primary is
 *       stopped on purpose), no other switchover begins, and the other planners neither wait on
 *       nor act on its two instances ({@link #alongside}).</li>
 * </ol>
 */
public final class SwitchoverPlanner {

    /** How long a switchover target may take to receive the old primary's last record. */
    public static final Duration CATCH_UP = Duration.ofSeconds(30);

    private SwitchoverPlanner() {}

    /** The step a pass takes in a switchover in flight: end it (steps 3, 4) or wait. */
    public static Action next(SwitchoverInFlight s, Observation observed, Instant now) {
        if (observed.pod(s.to()).map(p -> receivedPast(p, s.checkpoint())).orElse(false)) {
            return new Action.Handover(s.to(), false, s.describe() + ": " + s.to() + " received the shutdown"
                    + " checkpoint " + s.checkpoint() + " of " + s.from());
        }
        Duration waited = Duration.between(s.startedAt(), now);
        if (waited.compareTo(CATCH_UP) < 0) {
            return new Action.Wait(s.describe() + ": " + s.to() + " has not yet received the shutdown checkpoint "
                    + s.checkpoint() + " of " + s.from());
        }
        String aborted = s.to() + " did not receive the shutdown checkpoint " + s.checkpoint() + " within "
                + CATCH_UP.toSeconds() + " s; " + s.from() + " takes the primary role back";
        boolean started = observed.pod(s.from()).map(p -> p.status().started()).orElse(false);
        if (!started && waited.compareTo(CATCH_UP.multipliedBy(2)) < 0) {
            return new Action.Wait(s.describe() + " aborted: " + aborted + " once it has started again");
        }
        return new Action.Handover(s.from(), true, aborted);
    }

    /**
     * What the other planners may do meanwhile (step 5): nothing that concerns the switchover's
     * two instances, no waits (the switchover says what the cluster waits for), and no failover
     * or switchover.
     */
    public static List<Action> alongside(SwitchoverInFlight s, ClusterSpec spec, List<Action> others) {
        return others.stream()
                .filter(a -> !(a instanceof Action.Wait || a instanceof Action.Fence || a instanceof Action.Promote
                        || a instanceof Action.Switchover || a instanceof Action.Handover))
                .filter(a -> Action.pods(a, spec).stream().noneMatch(p -> p.equals(s.from()) || p.equals(s.to())))
                .toList();
    }

    private static boolean receivedPast(ObservedPod pod, String checkpoint) {
        String received = pod.status().receivedLsn();
        return received != null && Lsn.parse(received) > Lsn.parse(checkpoint);
    }

    /** A target, or the reason there is none. */
    public record Choice(Optional<ObservedPod> primary, Optional<ObservedPod> target, String refusal) {
        static Choice refuse(String why) {
            return new Choice(Optional.empty(), Optional.empty(), why);
        }
    }

    public static Choice choose(Observation observed, Optional<String> requested) {
        Optional<ObservedPod> primary = observed.readyPrimary();
        if (primary.isEmpty()) {
            return Choice.refuse("there is no ready primary to switch over from");
        }
        long unavailable = observed.spec().instances() - observed.pods().stream()
                .filter(p -> p.ordinal() < observed.spec().instances() && p.ready()).count();
        int budget = observed.spec().disruption().maxUnavailable();
        if (unavailable + 1 > budget) {
            return Choice.refuse(unavailable + " instance(s) unavailable already, and the primary stops for a moment"
                    + " during a switchover; disruption.maxUnavailable is " + budget);
        }
        if (requested.isPresent()) {
            String name = requested.get();
            Optional<ObservedPod> target = observed.pod(name);
            if (target.isEmpty() || target.get().ordinal() >= observed.spec().instances()) {
                return Choice.refuse(name + " is not a running instance of " + observed.spec().name());
            }
            if (target.get().name().equals(primary.get().name())) {
                return Choice.refuse(name + " is already the primary");
            }
            if (!eligible(target.get())) {
                return Choice.refuse(name + " is not a healthy replica (" + describe(target.get()) + ")");
            }
            return new Choice(primary, target, "");
        }
        return observed.pods().stream()
                .filter(p -> p.ordinal() < observed.spec().instances() && eligible(p))
                .min(Comparator.comparingLong((ObservedPod p) -> -Lsn.parse(p.status().newestLsn()))
                        .thenComparingInt(ObservedPod::ordinal))
                .map(t -> new Choice(primary, Optional.of(t), ""))
                .orElse(Choice.refuse("no replica is ready and streaming to take over"));
    }

    private static boolean eligible(ObservedPod pod) {
        return pod.ready() && pod.status().role() == Role.REPLICA && pod.status().streaming()
                && pod.status().newestLsn() != null;
    }

    private static String describe(ObservedPod pod) {
        String message = pod.status().message();
        return pod.status().role().label() + ", " + (pod.ready() ? "ready" : "not ready")
                + (message == null || message.isEmpty() ? "" : ": " + message);
    }
}
