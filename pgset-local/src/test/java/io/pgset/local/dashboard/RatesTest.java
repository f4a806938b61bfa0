package io.pgset.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatesTest {

    private static Sample commits(long at, long commits) {
        return new Sample(at, Map.of("demo-0", new Sample.Pod(0, 0, 1, commits, -1)));
    }

    @Test
    void tpsIsTheCommitsSinceTheOldestSampleInTheWindowOverTheTimeBetween() {
        List<Sample> earlier = List.of(commits(1_000, 0), commits(2_000, 100), commits(3_000, 150), commits(4_000, 400));

        // 1 000 is more than five seconds before 6 500: the window starts at 2 000.
        assertThat(Rates.tps(earlier, "demo-0", 550, 6_500)).isEqualTo(100.0);
    }

    @Test
    void tpsIsUnknownWithoutAnEarlierCountInTheWindow() {
        assertThat(Rates.tps(List.of(), "demo-0", 10, 1_000)).isEqualTo(-1);
        assertThat(Rates.tps(List.of(commits(1_000, 5)), "demo-0", 10, 10_000)).isEqualTo(-1);
        assertThat(Rates.tps(List.of(commits(1_000, 5)), "demo-1", 10, 2_000)).isEqualTo(-1);
        assertThat(Rates.tps(List.of(commits(1_000, -1)), "demo-0", 10, 2_000)).isEqualTo(-1);
        assertThat(Rates.tps(List.of(commits(1_000, 5)), "demo-0", -1, 2_000)).isEqualTo(-1);
    }

    @Test
    void aCountThatWentDownMeansARestartOrResetNotNegativeTraffic() {
        assertThat(Rates.tps(List.of(commits(1_000, 500)), "demo-0", 20, 2_000)).isEqualTo(-1);
    }
}
