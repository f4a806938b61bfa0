package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.model.StorageLevel;
import io.pgset.kubernetes.api.PodVolumeStatus;
import io.pgset.kubernetes.api.PostgresClusterStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each pod's volume as status.pods shows it, the fullest one, and the levels read back after a restart. */
class PublishedVolumesTest {

    private static final long MI = 1L << 20;

    @Test
    void eachPodsVolumeIsPublishedWithItsUseCapacityPercentAndLevel() {
        List<PodVolumeStatus> pods = PublishedVolumes.of(cluster(pod("demo-0", 10 * MI, 64 * MI),
                pod("demo-1", 52 * MI, 64 * MI), pod("demo-2", 64 * MI, 64 * MI)), List.of());

        assertThat(pods).containsExactly(
                new PodVolumeStatus("demo-0", "data-demo-0", 10 * MI, 64 * MI, 15, StorageLevel.OK),
                new PodVolumeStatus("demo-1", "data-demo-1", 52 * MI, 64 * MI, 81, StorageLevel.NEARLY_FULL),
                new PodVolumeStatus("demo-2", "data-demo-2", 64 * MI, 64 * MI, 100, StorageLevel.FULL));
        assertThat(PublishedVolumes.fullest(pods)).contains("100% demo-2");
    }

    @Test
    void aVolumeNotMeasuredHasNoFiguresAndAnUnknownLevel() {
        ClusterStatus.PodStatus unmeasured = new ClusterStatus.PodStatus("demo-0", 0, "primary", true, "10.0.0.1",
                5432, 0, 1, "0/3000000", 0, 0, "data-demo-0", 0, "", List.of(), "", InstanceStatus.Storage.UNKNOWN);

        List<PodVolumeStatus> pods = PublishedVolumes.of(cluster(unmeasured), List.of());

        assertThat(pods).containsExactly(new PodVolumeStatus("demo-0", "data-demo-0", null, null, null,
                StorageLevel.UNKNOWN));
        assertThat(PublishedVolumes.fullest(pods)).isEmpty();
    }

    @Test
    void anEntryKeepsItsFiguresWhileItsPercentAndLevelStay() {
        List<PodVolumeStatus> before = PublishedVolumes.of(cluster(pod("demo-0", 10 * MI, 64 * MI)), List.of());

        List<PodVolumeStatus> same = PublishedVolumes.of(cluster(pod("demo-0", 10 * MI + 4096, 64 * MI)), before);
        List<PodVolumeStatus> grown = PublishedVolumes.of(cluster(pod("demo-0", 13 * MI, 64 * MI)), before);
        List<PodVolumeStatus> resized = PublishedVolumes.of(cluster(pod("demo-0", 10 * MI, 640 * MI)), before);

        assertThat(same).isEqualTo(before);
        assertThat(grown.get(0).usedBytes()).isEqualTo(13 * MI);
        assertThat(grown.get(0).percentUsed()).isEqualTo(20);
        assertThat(resized.get(0).capacityBytes()).isEqualTo(640 * MI);
    }

    @Test
    void theFullestVolumeOnATieIsTheFirstPod() {
        List<PodVolumeStatus> pods = PublishedVolumes.of(cluster(pod("demo-0", 32 * MI, 64 * MI),
                pod("demo-1", 32 * MI, 64 * MI)), List.of());

        assertThat(PublishedVolumes.fullest(pods)).contains("50% demo-0");
    }

    @Test
    void theLevelsPublishedAreReadBackByPod() {
        PostgresClusterStatus published = new PostgresClusterStatus();
        published.pods = PublishedVolumes.of(cluster(pod("demo-0", 10 * MI, 64 * MI), pod("demo-1", 52 * MI, 64 * MI)),
                List.of());

        assertThat(PublishedVolumes.levels(published))
                .isEqualTo(Map.of("demo-0", StorageLevel.OK, "demo-1", StorageLevel.NEARLY_FULL));
        assertThat(PublishedVolumes.levels(null)).isEmpty();
        assertThat(PublishedVolumes.levels(new PostgresClusterStatus())).isEmpty();
    }

    private static ClusterStatus cluster(ClusterStatus.PodStatus... pods) {
        return new ClusterStatus("demo", Phase.HEALTHY, "demo-0", pods.length, pods.length, List.of(pods), List.of(),
                Map.of(), "", "v1", null, List.of());
    }

    private static ClusterStatus.PodStatus pod(String name, long used, long capacity) {
        return new ClusterStatus.PodStatus(name, Integer.parseInt(name.substring(5)), "replica", true, "10.0.0.1",
                5432, 0, 1, "0/3000000", 0, 0, "data-" + name, 0, "", List.of(), "",
                new InstanceStatus.Storage(1L << 30, false, List.of(), used, capacity, 80));
    }
}
