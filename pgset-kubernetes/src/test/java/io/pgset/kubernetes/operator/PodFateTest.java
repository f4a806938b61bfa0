package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.pgset.kubernetes.operator.PodFate.Fate;
import io.pgset.kubernetes.operator.PodFate.Reason;
import io.pgset.kubernetes.operator.PodFate.Removal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodFateTest {

    private static final String DELETED_AT = "2026-11-30T05:00:00Z";

    @Test
    void runningPodIsNotProvenStoppedWhateverItsContainersSay() {
        assertThat(fate(pod("a", "Running", null, running()))).isEqualTo(unknown(Reason.NOT_DELETED));
        // Not being deleted: the kubelet restarts a terminated container.
        assertThat(fate(pod("a", "Running", null, terminated()))).isEqualTo(unknown(Reason.NOT_DELETED));
    }

    @Test
    void podBeingDeletedIsProvenStoppedOnlyOnceEveryContainerIsReportedTerminated() {
        assertThat(fate(pod("a", "Running", DELETED_AT, running())))
                .isEqualTo(unknown(Reason.DELETING_CONTAINER_MAY_RUN));
        // On a node cut off from the API server nothing is reported at all.
        assertThat(fate(pod("a", "Running", DELETED_AT))).isEqualTo(unknown(Reason.DELETING_CONTAINER_MAY_RUN));
        assertThat(fate(pod("a", "Running", DELETED_AT, terminated(), running())))
                .isEqualTo(unknown(Reason.DELETING_CONTAINER_MAY_RUN));
        assertThat(fate(pod("a", "Running", DELETED_AT, terminated(), terminated())))
                .isEqualTo(proven(Reason.STOPPED_WHILE_DELETING));
    }

    @Test
    void podInATerminalPhaseIsProvenStopped() {
        assertThat(fate(pod("a", "Failed", null, terminated()))).isEqualTo(proven(Reason.TERMINAL_PHASE));
        assertThat(fate(pod("a", "Succeeded", DELETED_AT, terminated()))).isEqualTo(proven(Reason.TERMINAL_PHASE));
    }

    @Test
    void removedPodIsProvenStoppedOnlyByALastStateWithItsContainersTerminated() {
        Pod stopped = pod("a", "Failed", DELETED_AT, terminated());
        Pod stoppedBeforeKubernetes127 = pod("a", "Running", DELETED_AT, terminated());
        Pod forced = pod("a", "Running", DELETED_AT, running()); // kubectl delete --force, or the operator's fence
        assertThat(PodFate.of(Optional.empty(), removal(stopped))).isEqualTo(proven(Reason.REMOVED_AFTER_STOPPING));
        assertThat(PodFate.of(Optional.empty(), removal(stoppedBeforeKubernetes127)))
                .isEqualTo(proven(Reason.REMOVED_AFTER_STOPPING));
        assertThat(PodFate.of(Optional.empty(), removal(forced))).isEqualTo(unknown(Reason.REMOVED_WHILE_RUNNING));
        // Force-deleted before it was being deleted: the kubelet may have restarted it, not yet reported.
        assertThat(PodFate.of(Optional.empty(), removal(pod("a", "Running", null, terminated()))))
                .isEqualTo(unknown(Reason.REMOVED_WHILE_RUNNING));
        assertThat(PodFate.of(Optional.empty(), Optional.of(new Removal("a", Optional.empty()))))
                .isEqualTo(unknown(Reason.REMOVAL_UNSEEN));
        assertThat(PodFate.of(Optional.empty(), Optional.empty())).isEqualTo(unknown(Reason.REMOVAL_UNSEEN));
    }

    @Test
    void replacementDefersToTheRemovedIncarnationUntilAContainerOfItStarts() {
        Optional<Removal> stopped = removal(pod("a", "Failed", DELETED_AT, terminated()));
        Optional<Removal> forced = removal(pod("a", "Running", DELETED_AT, running()));
        Pod pending = pod("b", "Pending", null);
        Pod initializing = pod("b", "Pending", null, waiting());
        assertThat(PodFate.of(Optional.of(pending), stopped)).isEqualTo(proven(Reason.REMOVED_AFTER_STOPPING));
        assertThat(PodFate.of(Optional.of(initializing), stopped)).isEqualTo(proven(Reason.REMOVED_AFTER_STOPPING));
        assertThat(PodFate.of(Optional.of(pending), forced)).isEqualTo(unknown(Reason.REMOVED_WHILE_RUNNING));
        // Once a container of it started, the replacement is the pod in question (it may have been
        // the primary for long, and be cut off now): running, so unknown, Ready or not.
        assertThat(PodFate.of(Optional.of(pod("b", "Running", null, running())), stopped))
                .isEqualTo(unknown(Reason.NOT_DELETED));
        assertThat(PodFate.of(Optional.of(ready(pending)), stopped)).isEqualTo(unknown(Reason.NOT_DELETED));
        ContainerStatus crashed = new ContainerStatusBuilder(waiting()).withRestartCount(1).withNewLastState()
                .withNewTerminated().withExitCode(1).endTerminated().endLastState().build();
        assertThat(PodFate.of(Optional.of(pod("b", "Running", null, crashed)), stopped))
                .isEqualTo(unknown(Reason.NOT_DELETED));
        // The same incarnation still listed (the list came before the watch's removal): its own state decides.
        assertThat(PodFate.of(Optional.of(pod("a", "Running", DELETED_AT, running())), stopped))
                .isEqualTo(unknown(Reason.DELETING_CONTAINER_MAY_RUN));
    }

    private static PodFate fate(Pod pod) {
        return PodFate.of(Optional.of(pod), Optional.empty());
    }

    private static PodFate proven(Reason reason) {
        return new PodFate(Fate.PROVEN_STOPPED, reason);
    }

    private static PodFate unknown(Reason reason) {
        return new PodFate(Fate.UNKNOWN, reason);
    }

    private static Optional<Removal> removal(Pod last) {
        return Optional.of(new Removal(last.getMetadata().getUid(), Optional.of(last)));
    }

    /** A pod with containers c0, c1, ... and, in the same order, the statuses the kubelet reported for them. */
    private static Pod pod(String uid, String phase, String deletedAt, ContainerStatus... statuses) {
        int containers = Math.max(1, statuses.length);
        PodBuilder pod = new PodBuilder()
                .withNewMetadata().withName("demo-0").withUid(uid).withDeletionTimestamp(deletedAt).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().withPhase(phase).endStatus();
        for (int i = 0; i < containers; i++) {
            pod.editSpec().addNewContainer().withName("c" + i).endContainer().endSpec();
        }
        for (int i = 0; i < statuses.length; i++) {
            ContainerStatus named = new ContainerStatusBuilder(statuses[i]).withName("c" + i).build();
            pod.editStatus().addToContainerStatuses(named).endStatus();
        }
        return pod.build();
    }

    private static Pod ready(Pod pod) {
        return new PodBuilder(pod).editStatus()
                .withConditions(List.of(new PodConditionBuilder().withType("Ready").withStatus("True").build()))
                .endStatus().build();
    }

    private static ContainerStatus running() {
        return new ContainerStatusBuilder().withContainerID("containerd://1").withNewState().withNewRunning()
                .withStartedAt(DELETED_AT).endRunning().endState().build();
    }

    private static ContainerStatus waiting() {
        return new ContainerStatusBuilder().withRestartCount(0).withNewState().withNewWaiting()
                .withReason("PodInitializing").endWaiting().endState().build();
    }

    private static ContainerStatus terminated() {
        return new ContainerStatusBuilder().withContainerID("containerd://1").withNewState().withNewTerminated()
                .withContainerID("containerd://1").withExitCode(0).withReason("Completed").endTerminated().endState()
                .build();
    }
}
