package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubernetesEventsTest {

    @Test
    void reasonsAreOneCamelCaseWordFromTheControllersWording() {
        assertThat(KubernetesEvents.reason("promote demo-1: demo-0 is gone")).isEqualTo("Promote");
        assertThat(KubernetesEvents.reason("primary is demo-1 (promoted)")).isEqualTo("PrimaryChanged");
        assertThat(KubernetesEvents.reason("Fence failed: pod not found")).isEqualTo("FenceFailed");
        assertThat(KubernetesEvents.reason("switchover failed: demo-2 is not ready")).isEqualTo("SwitchoverFailed");
        assertThat(KubernetesEvents.reason("waiting: only 1 of 2 standbys answer")).isEqualTo("Waiting");
        assertThat(KubernetesEvents.reason("")).isEqualTo("Event");
    }
}
