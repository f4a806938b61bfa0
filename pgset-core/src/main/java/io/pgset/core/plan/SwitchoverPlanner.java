package io.pgset.core.plan;

import io.pgset.core.model.Lsn;
import io.pgset.core.model.Role;
import java.util.Comparator;
import java.util.Optional;

/**
 * Chooses the target of a planned switchover, or says why there can be none.
 *
 * <ol>
 *   <li>There must be a ready primary to hand over from.</li>
 *   <li>The primary is briefly unavailable during a switchover, so the instances already
 *       unavailable plus that one must stay within {@code disruption.maxUnavailable}.</li>
 *   <li>A requested target must be one of the cluster's desired instances, not the primary, and
 *       a ready replica that streams from it.</li>
 *   <li>With no target requested, the ready streaming replica with the most WAL received is
 *       chosen (the lowest ordinal on a tie).</li>
 * </ol>
 * The switchover itself (clean stop of the primary, proof that the target received its shutdown
 * checkpoint, promotion) is carried out by the controller; see its {@code switchover}.
 */
public final class SwitchoverPlanner {

    private SwitchoverPlanner() {}

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
