package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether a lost primary's pod is proven to run no postgres any more, so that a failover need not
 * wait for it to stop itself ({@link KubernetesRuntime#fenceSettles(String)}). A pure decision from
 * what the API server shows: the pod as listed now, and the last state of the incarnation that was
 * removed before it, as the watch delivered it.
 *
 * <p>Only the kubelet knows whether a container runs, and it says so in the pod's status. So:
 * <ol>
 *   <li>A pod in a terminal phase (Succeeded, Failed) never runs a container again.</li>
 *   <li>A pod being deleted (deletionTimestamp set) whose every container the kubelet reports
 *       terminated has stopped: the kubelet starts no container of a pod being deleted. Being
 *       deleted alone proves nothing: on a node cut off from the API server the container runs on.</li>
 *   <li>A pod that is not being deleted may run whatever its status says: a terminated container
 *       is restarted ({@code restartPolicy: Always}), and an unreachable one may well run.</li>
 *   <li>A pod gone from the API server is proven stopped only by its last state: a graceful
 *       deletion ends with the kubelet removing the object after its containers stopped, and
 *       reporting them terminated (since Kubernetes 1.27 in a terminal phase too) just before. A
 *       force deletion (grace 0: {@code kubectl delete --force}, the pod garbage collector, and the
 *       operator's own fencing) removes the object at once, whatever runs: its last state shows
 *       the container running, which proves nothing. So the last state must prove it by rule 1 or 2;
 *       a terminated container of a pod not yet being deleted may have been restarted unreported. When the watch missed the removal (the
 *       operator started after it, or the watch fell behind and relisted), nothing is known.</li>
 *   <li>The StatefulSet makes a replacement with the same name at once. Until any container of
 *       that replacement has started (its init container, which runs no postgres, aside), the
 *       removed incarnation's last state decides: the failover fences the replacement (deletes it)
 *       before it records and promotes another, so none of its containers needs to start, and
 *       one that does reads the record to choose its role, as in the waiting path. Once a
 *       container of it has started (or it is Ready), it is the pod in question and rule 3 applies:
 *       it may have served as the primary since, and a removal seen long ago proves nothing about
 *       it.</li>
 * </ol>
 * An instance answering that postgres is stopped proves nothing on its own: its manager restarts
 * a crashed postgres in place, and an isolated one starts postgres again when the API server
 * answers.
 */
record PodFate(Fate fate, Reason reason) {

    enum Fate { PROVEN_STOPPED, UNKNOWN }

    enum Reason {
        /** Proven: the pod's phase is Succeeded or Failed. */
        TERMINAL_PHASE,
        /** Proven: being deleted, and every container reported terminated. */
        STOPPED_WHILE_DELETING,
        /** Proven: removed after the kubelet reported every container terminated (a replacement not yet started may exist). */
        REMOVED_AFTER_STOPPING,
        /** Unknown: being deleted, and a container not reported terminated. */
        DELETING_CONTAINER_MAY_RUN,
        /** Unknown: not being deleted, so its containers run or may be restarted. */
        NOT_DELETED,
        /** Unknown: removed when its last state proved nothing (a force deletion, or one while not being deleted). */
        REMOVED_WHILE_RUNNING,
        /** Unknown: gone, and its removal was not seen. */
        REMOVAL_UNSEEN
    }

    /**
     * The last state of a removed pod, as the watch delivered it.
     *
     * @param lastState empty when the watch saw the removal without the object (it relisted)
     */
    record Removal(String uid, Optional<Pod> lastState) {}

    boolean proven() {
        return fate == Fate.PROVEN_STOPPED;
    }

    /**
     * @param listed  the pod with the lost primary's name as the API server lists it now
     * @param removed the last removal seen of a pod with that name
     */
    static PodFate of(Optional<Pod> listed, Optional<Removal> removed) {
        if (listed.isPresent()) {
            Pod pod = listed.get();
            boolean replacement = removed.isPresent() && !removed.get().uid().equals(pod.getMetadata().getUid());
            if (replacement && !started(pod) && !deleting(pod)) {
                return ofRemoval(removed.get());
            }
            return ofListed(pod);
        }
        return removed.map(PodFate::ofRemoval).orElse(unknown(Reason.REMOVAL_UNSEEN));
    }

    private static PodFate ofListed(Pod pod) {
        if (terminal(pod)) {
            return new PodFate(Fate.PROVEN_STOPPED, Reason.TERMINAL_PHASE);
        }
        if (!deleting(pod)) {
            return unknown(Reason.NOT_DELETED);
        }
        return allTerminated(pod) ? new PodFate(Fate.PROVEN_STOPPED, Reason.STOPPED_WHILE_DELETING)
                : unknown(Reason.DELETING_CONTAINER_MAY_RUN);
    }

    private static PodFate ofRemoval(Removal removal) {
        if (removal.lastState().isEmpty()) {
            return unknown(Reason.REMOVAL_UNSEEN);
        }
        Pod last = removal.lastState().get();
        return ofListed(last).proven() ? new PodFate(Fate.PROVEN_STOPPED, Reason.REMOVED_AFTER_STOPPING)
                : unknown(Reason.REMOVED_WHILE_RUNNING);
    }

    private static PodFate unknown(Reason reason) {
        return new PodFate(Fate.UNKNOWN, reason);
    }

    private static boolean deleting(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    private static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Ready, or a container of it running, ended or restarted, as the kubelet reports it. */
    private static boolean started(Pod pod) {
        if (pod.getStatus() == null) {
            return false;
        }
        boolean ready = pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses() == null ? List.of()
                : pod.getStatus().getContainerStatuses();
        return ready || statuses.stream().anyMatch(s -> (s.getRestartCount() != null && s.getRestartCount() > 0)
                || (s.getState() != null && (s.getState().getRunning() != null || s.getState().getTerminated() != null))
                || (s.getLastState() != null && s.getLastState().getTerminated() != null));
    }

    /** Every container of the pod's spec reported terminated by the kubelet (none reported proves nothing). */
    private static boolean allTerminated(Pod pod) {
        List<ContainerStatus> statuses = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                ? List.of() : pod.getStatus().getContainerStatuses();
        Map<String, ContainerStatus> byName = statuses.stream()
                .collect(Collectors.toMap(ContainerStatus::getName, Function.identity(), (a, b) -> b));
        List<Container> containers = pod.getSpec() == null || pod.getSpec().getContainers() == null ? List.of()
                : pod.getSpec().getContainers();
        return !containers.isEmpty() && containers.stream().map(c -> byName.get(c.getName())).allMatch(s -> s != null
                && s.getState() != null && s.getState().getTerminated() != null);
    }
}
