package io.pgset.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodStatusReportTest {

    private static final ContainerView INIT_DONE = ContainerView.terminated("init", "img", "id-1", 0, 0, "t0");
    private static final ContainerView STARTING = ContainerView.running("main", "img", "id-2", 0, "t1", false, false, null);
    private static final ContainerView READY = ContainerView.running("main", "img", "id-2", 0, "t1", true, true, null);

    @Test
    void aPodIsPendingUntilItsInitContainersAreDoneAndRunningThen() {
        PodStatus initializing = PodStatusReport.build(null, "t0", "10.0.0.2", "10.0.0.1", "t0",
                List.of(ContainerView.waiting("init", "img", 0, "PodInitializing", null, null)), List.of(STARTING));
        PodStatus running = PodStatusReport.build(initializing, "t1", "10.0.0.2", "10.0.0.1", "t0", List.of(INIT_DONE),
                List.of(STARTING));

        assertThat(initializing.getPhase()).isEqualTo("Pending");
        assertThat(condition(initializing, "Initialized").getStatus()).isEqualTo("False");
        assertThat(running.getPhase()).isEqualTo("Running");
        assertThat(running.getPodIP()).isEqualTo("10.0.0.2");
        assertThat(condition(running, "Initialized").getStatus()).isEqualTo("True");
        assertThat(condition(running, "Ready").getStatus()).isEqualTo("False");
    }

    @Test
    void aConditionKeepsItsTransitionTimeWhileItsStatusStays() {
        PodStatus first = PodStatusReport.build(null, "t1", "ip", "host", "t0", List.of(INIT_DONE), List.of(READY));
        PodStatus later = PodStatusReport.build(first, "t2", "ip", "host", "t0", List.of(INIT_DONE), List.of(READY));
        PodStatus unready = PodStatusReport.build(later, "t3", "ip", "host", "t0", List.of(INIT_DONE), List.of(STARTING));

        assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo("t1");
        assertThat(later).isEqualTo(first);
        assertThat(condition(unready, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(unready, "Ready").getLastTransitionTime()).isEqualTo("t3");
        assertThat(condition(unready, "PodScheduled").getLastTransitionTime()).isEqualTo("t1");
    }

    @Test
    void aRestartedContainerReportsItsLastExit() {
        PodStatus status = PodStatusReport.build(null, "t", "ip", "host", "t0", List.of(),
                List.of(ContainerView.waiting("main", "img", 1, "CrashLoopBackOff", "back-off", 137)));

        var container = status.getContainerStatuses().get(0);
        assertThat(container.getRestartCount()).isEqualTo(1);
        assertThat(container.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(container.getLastState().getTerminated().getExitCode()).isEqualTo(137);
    }

    @Test
    void aStoppedPodReportsItsContainersTerminatedInATerminalPhase() {
        PodStatus killed = PodStatusReport.build(null, "t", "ip", "host", "t0", List.of(INIT_DONE),
                List.of(ContainerView.terminated("main", "img", "id-2", 0, 137, "t2")));
        PodStatus clean = PodStatusReport.build(null, "t", "ip", "host", "t0", List.of(INIT_DONE),
                List.of(ContainerView.terminated("main", "img", "id-2", 0, 0, "t2")));

        assertThat(killed.getPhase()).isEqualTo("Failed");
        assertThat(killed.getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(clean.getPhase()).isEqualTo("Succeeded");
        assertThat(condition(clean, "Ready").getStatus()).isEqualTo("False");
    }

    private static PodCondition condition(PodStatus status, String type) {
        return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }
}
