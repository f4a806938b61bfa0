package io.pgset.local.dashboard;

import static io.pgset.local.dashboard.Statuses.cluster;
import static io.pgset.local.dashboard.Statuses.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.control.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static Frame frame(String primary, long at) {
        String other = primary.equals("demo-0") ? "demo-1" : "demo-0";
        return Frames.of(cluster(primary, pod(primary, "primary", 0, 2, 10), pod(other, "replica", 8192, 0, 3)),
                1L << 30, List.of(), List.of(), at);
    }

    @Test
    void aFrameCarriesEachInstanceWithItsTpsFromTheNewestSample() {
        History history = new History();
        history.record(cluster("demo-0", pod("demo-0", "primary", 0, 2, 100)), 1_000);
        history.record(cluster("demo-0", pod("demo-0", "primary", 0, 2, 130)), 2_000);
        ShownEvent promoted = ShownEvent.of(java.time.Instant.parse("2026-11-30T05:00:00Z"),
                Event.normal(Event.Reason.Promote, "demo", "demo-0", "promote demo-0"));

        Frame frame = Frames.of(cluster("demo-0", pod("demo-0", "primary", 0, 2, 130)), 1L << 30, history.samples(),
                List.of(promoted), 2_000);

        assertThat(frame.cluster()).isEqualTo("demo");
        assertThat(frame.phase()).isEqualTo("Healthy");
        assertThat(frame.primary()).isEqualTo("demo-0");
        assertThat(frame.capacityBytes()).isEqualTo(1L << 30);
        assertThat(frame.pods()).singleElement().satisfies(p -> {
            assertThat(p.role()).isEqualTo("primary");
            assertThat(p.connections()).isEqualTo(2);
            assertThat(p.tps()).isEqualTo(30.0);
            assertThat(p.volumeBytes()).isEqualTo(40L << 20);
            assertThat(p.freeBytes()).isEqualTo(1L << 30);
        });
        assertThat(frame.events()).containsExactly(promoted);
        assertThat(frame.history()).hasSize(2);
    }

    @Test
    void aFrameGoesOutOnceASecondWhileNothingChangesItsShape() {
        Frame first = frame("demo-0", 10_000);

        assertThat(Frames.due(null, first)).isTrue();
        assertThat(Frames.due(first, frame("demo-0", 10_400))).isFalse();
        assertThat(Frames.due(first, frame("demo-0", 11_000))).isTrue();
    }

    @Test
    void aNewPrimaryGoesOutAtOnce() {
        assertThat(Frames.due(frame("demo-0", 10_000), frame("demo-1", 10_050))).isTrue();
    }
}
