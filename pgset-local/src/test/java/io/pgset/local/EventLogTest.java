package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.control.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {

    @TempDir
    Path dir;

    @Test
    void eachEventIsOneReadableLineWithItsTimeSeverityReasonAndInstance() throws Exception {
        Path file = dir.resolve("events.log");
        EventLog log = new EventLog(file, Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC));

        log.record(Event.warning(Event.Reason.Fence, "demo", "demo-0", "fence demo-0: primary demo-0 lost (pod gone)"));
        log.record(Event.normal(Event.Reason.Switchover, "demo", null, "switchover: rolling update, primary last"));

        assertThat(Files.readAllLines(file)).containsExactly(
                "2026-11-29T10:00:00Z Warning Fence cluster=demo pod=demo-0 fence demo-0: primary demo-0 lost (pod gone)",
                "2026-11-29T10:00:00Z Normal Switchover cluster=demo switchover: rolling update, primary last");
    }
}
