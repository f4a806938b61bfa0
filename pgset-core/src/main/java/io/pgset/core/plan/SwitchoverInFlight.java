package io.pgset.core.plan;

import io.pgset.core.model.ClusterStatus;
import java.time.Instant;

/**
 * A switchover between the clean stop of its primary and the promotion that ends it. The
 * controller keeps it from one pass to the next; {@link SwitchoverPlanner#next} decides each step.
 *
 * @param from       the primary that was stopped
 * @param to         the replica that is to take over
 * @param checkpoint {@code from}'s shutdown checkpoint: {@code to} must have received WAL past it
 * @param startedAt  when {@code from} was stopped, on the controller's clock
 */
public record SwitchoverInFlight(String from, String to, String checkpoint, Instant startedAt) {

    /** How status shows this switchover: in progress, or ended so. */
    public ClusterStatus.Switchover status(ClusterStatus.Switchover.State state, String message) {
        return new ClusterStatus.Switchover(from, to, checkpoint, startedAt.toString(), state, message);
    }

    public String describe() {
        return "switchover " + from + " -> " + to;
    }
}
