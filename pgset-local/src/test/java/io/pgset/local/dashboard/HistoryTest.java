package io.pgset.local.dashboard;

import static io.pgset.local.dashboard.Statuses.cluster;
import static io.pgset.local.dashboard.Statuses.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {

    @Test
    void takesAtMostOneSampleASecondWithLagConnectionsAndTps() {
        History history = new History();

        assertThat(history.record(cluster("demo-0", pod("demo-0", "primary", 0, 3, 1_000),
                pod("demo-1", "replica", 4096, 0, 50)), 10_000)).isTrue();
        assertThat(history.record(cluster("demo-0", pod("demo-0", "primary", 0, 9, 9_999)), 10_999)).isFalse();
        assertThat(history.record(cluster("demo-0", pod("demo-0", "primary", 0, 4, 1_200),
                pod("demo-1", "replica", 0, 1, 60)), 12_000)).isTrue();

        List<Sample> samples = history.samples();
        assertThat(samples).extracting(Sample::at).containsExactly(10_000L, 12_000L);
        assertThat(samples.get(0).pods().get("demo-1")).isEqualTo(new Sample.Pod(4096, 0.5, 0, 50, -1));
        assertThat(samples.get(1).pods().get("demo-0").tps()).isEqualTo(100.0);
        assertThat(samples.get(1).pods().get("demo-1").tps()).isEqualTo(5.0);
        assertThat(samples.get(1).pods().get("demo-0").connections()).isEqualTo(4);
    }

    @Test
    void keepsTheLastFiveMinutes() {
        History history = new History();
        for (int second = 0; second < History.CAPACITY + 20; second++) {
            history.record(cluster("demo-0", pod("demo-0", "primary", 0, 1, second)), second * 1_000L);
        }

        assertThat(history.samples()).hasSize(History.CAPACITY);
        assertThat(history.samples().get(0).at()).isEqualTo(20_000L);
    }
}
