package io.pgset.core.plan;

import io.pgset.core.model.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One step the controller decided on; runtimes carry actions out, planners only return them. */
public sealed interface Action {

    /** Why, in words for the events log. */
    String reason();

    /**
     * Create the instance with this ordinal on its volume. It clones from and follows
     * {@code upstream} if present; otherwise it starts from its own volume, and may create a new
     * database there only when {@code newDatabase} (the first instance of a new cluster), so that
     * a lost volume never quietly turns into a different, empty database.
     */
    record CreatePod(int ordinal, Optional<String> upstream, boolean newDatabase, String reason) implements Action {}

    /** Stop and remove the instance; its volume goes too only when {@code deleteVolume}. */
    record DeletePod(String pod, boolean deleteVolume, String reason) implements Action {}

    /** Make the primary keep exactly these replication slots. */
    record EnsureSlots(String primary, List<String> slots, String reason) implements Action {}

    /** Make sure the pod can no longer accept writes (kill it, or delete it), before anyone is promoted. */
    record Fence(String pod, String reason) implements Action {}

    /** Promote this replica to primary. */
    record Promote(String pod, String reason) implements Action {}

    /** Hand the primary role over to {@code to} (or the best replica) without losing a commit. */
    record Switchover(Optional<String> to, String reason) implements Action {}

    /**
     * End the switchover in flight by recording and promoting {@code pod}: its target, or, when
     * {@code aborted}, the old primary taking the role back.
     */
    record Handover(String pod, boolean aborted, String reason) implements Action {}

    /** Make this replica stream from {@code primary}. */
    record Follow(String pod, String primary, String reason) implements Action {}

    /** Make the instance load the current spec's configuration (a reload; nothing restarts). */
    record Reload(String pod, String reason) implements Action {}

    /** Stop the instance's postgres cleanly and start it again, to apply parameters that need it. */
    record Restart(String pod, String reason) implements Action {}

    /** Nothing can be done now; the reason says what the cluster waits for. */
    record Wait(String reason) implements Action {}

    /** The instances an action concerns, the one it is about first; none for a wait. */
    static List<String> pods(Action action, ClusterSpec spec) {
        if (action instanceof CreatePod create) {
            List<String> pods = new ArrayList<>(List.of(spec.podName(create.ordinal())));
            create.upstream().ifPresent(pods::add);
            return pods;
        } else if (action instanceof DeletePod delete) {
            return List.of(delete.pod());
        } else if (action instanceof EnsureSlots slots) {
            return List.of(slots.primary());
        } else if (action instanceof Fence fence) {
            return List.of(fence.pod());
        } else if (action instanceof Promote promote) {
            return List.of(promote.pod());
        } else if (action instanceof Switchover switchover) {
            return switchover.to().map(List::of).orElse(List.of());
        } else if (action instanceof Handover handover) {
            return List.of(handover.pod());
        } else if (action instanceof Follow follow) {
            return List.of(follow.pod(), follow.primary());
        } else if (action instanceof Reload reload) {
            return List.of(reload.pod());
        } else if (action instanceof Restart restart) {
            return List.of(restart.pod());
        }
        return List.of();
    }
}
