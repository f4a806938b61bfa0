package io.pgset.local.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillReportTest {

    private static Drill.Report withGaps(double... gaps) {
        List<Drill.Round> rounds = Arrays.stream(gaps)
                .mapToObj(g -> new Drill.Round(1, "demo-0", "demo-1", g, 0)).toList();
        return new Drill.Report(rounds, 100, 0, 1, "", false);
    }

    @Test
    void theMedianOfTwoRoundsIsTheirMean() {
        assertThat(withGaps(0.4, 0.6).medianGap()).isEqualTo(0.5);
    }

    @Test
    void theMedianOfAnOddNumberOfRoundsIsTheMiddleGap() {
        assertThat(withGaps(0.9, 0.3, 0.5).medianGap()).isEqualTo(0.5);
        assertThat(withGaps(0.7).medianGap()).isEqualTo(0.7);
    }

    @Test
    void gapsAreShortestFirstAndANoRoundReportHasAZeroMedian() {
        assertThat(withGaps(0.9, 0.3, 0.5, 0.1).gaps()).containsExactly(0.1, 0.3, 0.5, 0.9);
        assertThat(withGaps(0.9, 0.3, 0.5, 0.1).medianGap()).isEqualTo(0.4);
        assertThat(withGaps().medianGap()).isZero();
    }
}
