package io.pgset.core.plan;

import io.pgset.core.control.PodState;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;

/** A pod together with what its instance manager reported. */
public record ObservedPod(PodState pod, InstanceStatus status) {

    public int ordinal() {
        return pod.ordinal();
    }

    public String name() {
        return pod.name();
    }

    public boolean ready() {
        return pod.running() && status.ready();
    }

    public boolean isReadyPrimary() {
        return ready() && status.role() == Role.PRIMARY;
    }
}
