package io.pgset.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.control.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    @Test
    void passesEveryEventOnAndKeepsTheLastTwentyNewestLast() {
        List<Event> passed = new ArrayList<>();
        RecentEvents events = new RecentEvents(passed::add,
                Clock.fixed(Instant.parse("2026-11-30T05:00:00Z"), ZoneOffset.UTC));

        for (int i = 0; i < 25; i++) {
            events.record(Event.normal(Event.Reason.Create, "demo", "demo-" + i, "create demo-" + i));
        }
        events.record(Event.warning(Event.Reason.Fence, "demo", null, "fence"));

        assertThat(passed).hasSize(26);
        assertThat(events.recent()).hasSize(RecentEvents.KEPT);
        assertThat(events.recent().get(0).pod()).isEqualTo("demo-6");
        assertThat(events.recent().get(RecentEvents.KEPT - 1))
                .isEqualTo(new ShownEvent("2026-11-30T05:00:00Z", "Warning", Event.Reason.Fence, "", "fence"));
    }
}
