package io.pgset.core.control;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.plan.Action;
import java.util.Optional;

/** The event that tells of an action, built from the action itself before it is carried out. */
final class ActionEvents {

    private ActionEvents() {}

    /** Empty for what is not worth telling: keeping slots, a wait for nothing. */
    static Optional<Event> of(Action action, ClusterSpec spec) {
        String cluster = spec.name();
        String pod = pod(action, spec).orElse(null);
        Event event;
        if (action instanceof Action.CreatePod) {
            event = Event.normal(Event.Reason.Create, cluster, pod, "create " + pod + ": " + action.reason());
        } else if (action instanceof Action.DeletePod) {
            event = Event.normal(Event.Reason.Delete, cluster, pod, "delete " + pod + ": " + action.reason());
        } else if (action instanceof Action.Fence) {
            event = Event.warning(Event.Reason.Fence, cluster, pod, "fence " + pod + ": " + action.reason());
        } else if (action instanceof Action.Promote) {
            event = Event.normal(Event.Reason.Promote, cluster, pod, "promote " + pod + ": " + action.reason());
        } else if (action instanceof Action.Switchover) {
            event = Event.normal(Event.Reason.Switchover, cluster, pod, "switchover: " + action.reason());
        } else if (action instanceof Action.Handover handover && handover.aborted()) {
            event = Event.warning(Event.Reason.Switchover, cluster, pod, "switchover aborted: " + action.reason());
        } else if (action instanceof Action.Handover) {
            event = Event.normal(Event.Reason.Promote, cluster, pod, "promote " + pod + ": " + action.reason());
        } else if (action instanceof Action.Follow) {
            event = Event.normal(Event.Reason.Follow, cluster, pod, "follow: " + action.reason());
        } else if (action instanceof Action.Reload) {
            event = Event.normal(Event.Reason.Reload, cluster, pod, "reload " + pod + ": " + action.reason());
        } else if (action instanceof Action.Restart) {
            event = Event.normal(Event.Reason.Restart, cluster, pod, "restart " + pod + ": " + action.reason());
        } else if (action instanceof Action.Wait && !action.reason().isEmpty()) {
            event = Event.warning(Event.Reason.Waiting, cluster, null, "waiting: " + action.reason());
        } else {
            return Optional.empty();
        }
        return Optional.of(event);
    }

    /** The instance an action is about: the one it creates, removes, promotes, ...; empty for a wait. */
    static Optional<String> pod(Action action, ClusterSpec spec) {
        return Action.pods(action, spec).stream().findFirst();
    }
}
