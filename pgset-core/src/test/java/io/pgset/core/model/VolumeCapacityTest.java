package io.pgset.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec.StorageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VolumeCapacityTest {

    private static final long MI = 1L << 20;
    private static final StorageSpec SIXTY_FOUR_MI = new StorageSpec("64Mi", true, true, 80, true);

    @Test
    void capacityIsTheSizeWhileTheFilesystemHasMoreRoom() {
        assertThat(VolumeCapacity.capacity(SIXTY_FOUR_MI, 10 * MI, 10_000 * MI)).isEqualTo(64 * MI);
    }

    @Test
    void capacityIsTheFilesystemsRoomWhenThatIsLessThanTheSize() {
        assertThat(VolumeCapacity.capacity(SIXTY_FOUR_MI, 10 * MI, 20 * MI)).isEqualTo(30 * MI);
    }

    @Test
    void withoutASizeInTheSpecTheCapacityIsTheFilesystemsRoom() {
        StorageSpec noSize = new StorageSpec("1Gi", true, true, 80, false);
        assertThat(VolumeCapacity.capacity(noSize, 10 * MI, 10_000 * MI)).isEqualTo(10_010 * MI);
        assertThat(VolumeCapacity.capacity(noSize, 10 * MI, -1)).isEqualTo(-1);
        assertThat(VolumeCapacity.capacity(SIXTY_FOUR_MI, 10 * MI, -1)).isEqualTo(64 * MI);
    }

    @Test
    void aSizeKnownOtherwiseIsBoundByTheFilesystemsRoomTheSameWay() {
        assertThat(VolumeCapacity.capacity(64 * MI, 10 * MI, 10_000 * MI)).isEqualTo(64 * MI);
        assertThat(VolumeCapacity.capacity(64 * MI, 10 * MI, 20 * MI)).isEqualTo(30 * MI);
        assertThat(VolumeCapacity.capacity(64 * MI, 10 * MI, -1)).isEqualTo(64 * MI);
        assertThat(VolumeCapacity.capacity(-1, 10 * MI, 20 * MI)).isEqualTo(30 * MI);
        assertThat(VolumeCapacity.capacity(-1, 10 * MI, -1)).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({
            "0,   100, 80, false, OK",
            "79,  100, 80, false, OK",
            "80,  100, 80, false, NEARLY_FULL",
            "99,  100, 80, false, NEARLY_FULL",
            "100, 100, 80, false, FULL",
            "150, 100, 80, false, FULL",
            "10,  100, 80, true,  FULL",
            "50,  100, 50, false, NEARLY_FULL",
            "10,  -1,  80, false, UNKNOWN",
            "-1,  100, 80, false, UNKNOWN"})
    void levelFromUseCapacityAndAlert(long used, long capacity, int alert, boolean outOfSpace, StorageLevel level) {
        assertThat(VolumeCapacity.level(used, capacity, alert, outOfSpace)).isEqualTo(level);
    }

    @Test
    void levelDoesNotOverflowOnHugeVolumes() {
        long capacity = 1024L << 40;
        assertThat(VolumeCapacity.level(capacity / 10 * 9, capacity, 80, false)).isEqualTo(StorageLevel.NEARLY_FULL);
        assertThat(VolumeCapacity.percent(capacity / 10 * 9, capacity)).isEqualTo(89);
    }

    @Test
    void percentRoundsDownSoOnlyAFullVolumeShowsHundred() {
        assertThat(VolumeCapacity.percent(999, 1000)).isEqualTo(99);
        assertThat(VolumeCapacity.percent(1000, 1000)).isEqualTo(100);
        assertThat(VolumeCapacity.percent(5, 0)).isEqualTo(-1);
    }

    @Test
    void storageDescribesItsUseForPeople() {
        InstanceStatus.Storage storage = new InstanceStatus.Storage(1 << 30, false, java.util.List.of(), 52 * MI,
                64 * MI, 80);
        assertThat(storage.describeUse()).isEqualTo("52.0 MiB of 64.0 MiB (81%)");
        assertThat(storage.level()).isEqualTo(StorageLevel.NEARLY_FULL);
        assertThat(InstanceStatus.Storage.UNKNOWN.describeUse()).isEmpty();
        assertThat(InstanceStatus.Storage.UNKNOWN.level()).isEqualTo(StorageLevel.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "1Ki, 1024", "64Mi, 67108864", "1Gi, 1073741824", "2Ti, 2199023255552"})
    void byteSizesReadAsSpecsWriteThem(String text, long bytes) {
        assertThat(ByteSize.bytes(text)).isEqualTo(bytes);
    }
}
