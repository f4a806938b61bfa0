package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIPBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The status a kubelet reports for a pod (the fields kwok's pod controller fills too): phase,
 * addresses, start time, the conditions PodScheduled, Initialized, ContainersReady and Ready, and
 * one status per init container and container. A condition keeps its transition time while its
 * status stays the same.
 */
final class PodStatusReport {

    private PodStatusReport() {
    }

    static PodStatus build(PodStatus previous, String now, String podIp, String hostIp, String startTime,
                           List<ContainerView> initContainers, List<ContainerView> containers) {
        boolean initialized = initContainers.stream().allMatch(c -> c.exitCode() != null && c.exitCode() == 0);
        boolean containersReady = initialized && containers.stream().allMatch(ContainerView::ready);
        boolean running = initialized && containers.stream().anyMatch(c -> c.runningSince() != null);
        // Every container terminated: only a stopped pod (being deleted) reports that, in a terminal phase.
        boolean ended = initialized && !containers.isEmpty() && containers.stream().allMatch(c -> c.exitCode() != null);
        List<PodCondition> conditions = List.of(
                condition(previous, "PodScheduled", true, now),
                condition(previous, "Initialized", initialized, now),
                condition(previous, "ContainersReady", containersReady, now),
                condition(previous, "Ready", containersReady, now));
        PodStatusBuilder status = new PodStatusBuilder()
                .withPhase(ended ? containers.stream().allMatch(c -> c.exitCode() == 0) ? "Succeeded" : "Failed"
                        : running ? "Running" : "Pending")
                .withHostIP(hostIp).withHostIPs(new HostIPBuilder().withIp(hostIp).build())
                .withStartTime(startTime)
                .withConditions(conditions)
                .withQosClass(previous == null ? null : previous.getQosClass())
                .withInitContainerStatuses(statuses(initContainers))
                .withContainerStatuses(statuses(containers));
        if (podIp != null) {
            status.withPodIP(podIp).withPodIPs(new PodIPBuilder().withIp(podIp).build());
        }
        return status.build();
    }

    private static PodCondition condition(PodStatus previous, String type, boolean value, String now) {
        String status = value ? "True" : "False";
        String since = now;
        if (previous != null && previous.getConditions() != null) {
            for (PodCondition old : previous.getConditions()) {
                if (type.equals(old.getType()) && status.equals(old.getStatus()) && old.getLastTransitionTime() != null) {
                    since = old.getLastTransitionTime();
                }
            }
        }
        return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(since)
                .withLastProbeTime(null).build();
    }

    private static List<ContainerStatus> statuses(List<ContainerView> views) {
        List<ContainerStatus> statuses = new ArrayList<>();
        for (ContainerView view : views) {
            ContainerStateBuilder state = new ContainerStateBuilder();
            if (view.runningSince() != null) {
                state.withNewRunning().withStartedAt(view.runningSince()).endRunning();
            } else if (view.exitCode() != null) {
                state.withNewTerminated().withExitCode(view.exitCode()).withReason(view.exitCode() == 0 ? "Completed" : "Error")
                        .withFinishedAt(view.terminatedSince()).withContainerID(view.containerId()).endTerminated();
            } else {
                state.withNewWaiting().withReason(view.waitingReason()).withMessage(view.waitingMessage()).endWaiting();
            }
            ContainerStatusBuilder status = new ContainerStatusBuilder()
                    .withName(view.name()).withImage(view.image()).withImageID(view.image())
                    .withContainerID(view.containerId())
                    .withRestartCount(view.restartCount())
                    .withStarted(view.started()).withReady(view.ready())
                    .withState(state.build());
            if (view.lastExitCode() != null) {
                status.withNewLastState().withNewTerminated().withExitCode(view.lastExitCode())
                        .withReason(view.lastExitCode() == 0 ? "Completed" : "Error").endTerminated().endLastState();
            }
            statuses.add(status.build());
        }
        return statuses;
    }
}
