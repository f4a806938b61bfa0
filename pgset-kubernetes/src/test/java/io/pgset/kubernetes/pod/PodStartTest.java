package io.pgset.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodStartTest {

    private static PodIdentity pod(int ordinal) {
        return new PodIdentity("demo-" + ordinal, ordinal, "prod", "10.0.0." + (ordinal + 1));
    }

    @Test
    void onlyTheFirstOrdinalOfANewClusterMayCreateADatabase() {
        PodStart first = PodStart.decide("demo", pod(0), Optional.empty());
        assertThat(first.waitReason()).isEmpty();
        assertThat(first.upstream()).isEmpty();
        assertThat(first.newDatabase()).isTrue();

        PodStart second = PodStart.decide("demo", pod(1), Optional.empty());
        assertThat(second.newDatabase()).isFalse();
        assertThat(second.waitReason()).get().asString()
                .contains("no primary is recorded on StatefulSet demo", "pgset.io/primary", "demo-0");
    }

    @Test
    void theRecordedPrimaryStartsOnItsOwnAndNeverMakesANewDatabase() {
        PodStart start = PodStart.decide("demo", pod(2), Optional.of("demo-2"));
        assertThat(start.waitReason()).isEmpty();
        assertThat(start.upstream()).isEmpty();
        assertThat(start.newDatabase()).isFalse();
    }

    @Test
    void everyOtherPodFollowsTheRecordedPrimaryEvenOrdinalZero() {
        // demo-0 was the primary, was fenced, and comes back after demo-1's promotion: a replica.
        PodStart start = PodStart.decide("demo", pod(0), Optional.of("demo-1"));
        assertThat(start.upstream()).contains("demo-1");
        assertThat(start.newDatabase()).isFalse();
        assertThat(start.waitReason()).isEmpty();
    }

    @Test
    void theIdentityComesFromTheDownwardApiAndIsChecked() {
        PodIdentity self = PodIdentity.from("demo", Map.of("POD_NAME", "demo-12", "POD_NAMESPACE", "prod",
                "POD_IP", "10.1.2.3"));
        assertThat(self).isEqualTo(new PodIdentity("demo-12", 12, "prod", "10.1.2.3"));

        assertThatThrownBy(() -> PodIdentity.from("demo", Map.of("POD_NAME", "demo-1", "POD_NAMESPACE", "prod")))
                .hasMessageContaining("POD_IP is not set").hasMessageContaining("status.podIP");
        assertThatThrownBy(() -> PodIdentity.from("demo", Map.of("POD_NAME", "other-1", "POD_NAMESPACE", "prod",
                "POD_IP", "10.1.2.3")))
                .hasMessageContaining("POD_NAME=other-1 is not a pod of the StatefulSet demo");
        assertThatThrownBy(() -> PodIdentity.from("demo", Map.of("POD_NAME", "demo-01", "POD_NAMESPACE", "prod",
                "POD_IP", "10.1.2.3")))
                .hasMessageContaining("expected demo-<ordinal>");
    }
}
