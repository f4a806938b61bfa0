package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.StorageLevel;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A claim's capacity, and an instance's measurement against it. */
class ClaimCapacityTest {

    private static final long MI = 1L << 20;

    @Test
    void aBoundClaimHasTheCapacityItsStatusShows() {
        assertThat(ClaimCapacity.bytes(claim("1Gi", "Bound", "10Gi"))).hasValue(10L << 30);
    }

    @Test
    void aClaimNotBoundYetHasWhatItRequests() {
        assertThat(ClaimCapacity.bytes(claim("1Gi", "Pending", null))).hasValue(1L << 30);
        assertThat(ClaimCapacity.bytes(claim("64Mi", null, null))).hasValue(64 * MI);
        // Bound, but its status says no capacity (yet): the request.
        assertThat(ClaimCapacity.bytes(claim("64Mi", "Bound", null))).hasValue(64 * MI);
    }

    @Test
    void aClaimThatRequestsNothingHasNoCapacity() {
        assertThat(ClaimCapacity.bytes(claim(null, null, null))).isEmpty();
    }

    @Test
    void theClaimsCapacityReplacesTheOneTheInstanceWorkedOutAndTheLevelFollows() {
        // The instance measured 60 MiB against storage.size 64Mi (nearly full); the claim was rounded up to 1Gi.
        InstanceStatus.Storage reported = new InstanceStatus.Storage(10_000 * MI, false, List.of("pgdata.broken-1"),
                60 * MI, 64 * MI, 80);
        assertThat(reported.level()).isEqualTo(StorageLevel.NEARLY_FULL);

        InstanceStatus.Storage measured = ClaimCapacity.against(reported, OptionalLong.of(1L << 30));

        assertThat(measured.capacityBytes()).isEqualTo(1L << 30);
        assertThat(measured.level()).isEqualTo(StorageLevel.OK);
        assertThat(measured.usedBytes()).isEqualTo(60 * MI);
        assertThat(measured.freeBytes()).isEqualTo(10_000 * MI);
        assertThat(measured.keptCopies()).containsExactly("pgdata.broken-1");
        assertThat(measured.alertPercent()).isEqualTo(80);
    }

    @Test
    void theFilesystemsRoomBoundsTheClaimsCapacity() {
        InstanceStatus.Storage reported = new InstanceStatus.Storage(4 * MI, false, List.of(), 60 * MI, 64 * MI, 80);

        InstanceStatus.Storage measured = ClaimCapacity.against(reported, OptionalLong.of(1L << 30));

        assertThat(measured.capacityBytes()).isEqualTo(64 * MI);
        assertThat(measured.level()).isEqualTo(StorageLevel.NEARLY_FULL);
    }

    @Test
    void aFullFilesystemIsFullWhateverTheClaimSays() {
        InstanceStatus.Storage reported = new InstanceStatus.Storage(MI, true, List.of(), 60 * MI, 61 * MI, 80);

        assertThat(ClaimCapacity.against(reported, OptionalLong.of(1L << 30)).level()).isEqualTo(StorageLevel.FULL);
    }

    @Test
    void noMeasurementOrNoClaimLeavesTheReportAsItIs() {
        assertThat(ClaimCapacity.against(InstanceStatus.Storage.UNKNOWN, OptionalLong.of(1L << 30)))
                .isSameAs(InstanceStatus.Storage.UNKNOWN);
        InstanceStatus.Storage reported = new InstanceStatus.Storage(10 * MI, false, List.of(), 60 * MI, 64 * MI, 80);
        assertThat(ClaimCapacity.against(reported, OptionalLong.empty())).isSameAs(reported);
    }

    private static PersistentVolumeClaim claim(String request, String phase, String capacity) {
        PersistentVolumeClaimBuilder claim = new PersistentVolumeClaimBuilder().withNewMetadata().withName("data-demo-0")
                .endMetadata().withNewSpec().withNewResources()
                .withRequests(request == null ? Map.of() : Map.of("storage", new Quantity(request)))
                .endResources().endSpec();
        if (phase != null) {
            claim.withNewStatus().withPhase(phase)
                    .withCapacity(capacity == null ? Map.of() : Map.of("storage", new Quantity(capacity))).endStatus();
        }
        return claim.build();
    }
}
