package io.pgset.core.plan;

import java.util.List;
import java.util.Optional;

/** One step the controller decided on; runtimes carry actions out, planners only return them. */
public sealed interface Action {

    /** Why, in words for the events log. */
    String reason();

    /** Create the instance with this ordinal; it clones from / follows {@code upstream} if present. */
    record CreatePod(int ordinal, Optional<String> upstream, String reason) implements Action {}

    /** Stop and remove the instance; its volume stays. */
    record DeletePod(String pod, String reason) implements Action {}

    /** Make the primary keep exactly these replication slots. */
    record EnsureSlots(String primary, List<String> slots, String reason) implements Action {}

    /** Nothing can be done now; the reason says what the cluster waits for. */
    record Wait(String reason) implements Action {}
}
