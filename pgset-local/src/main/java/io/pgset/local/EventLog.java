package io.pgset.local;

import io.pgset.core.control.Event;
import io.pgset.core.control.EventSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

/**
 * The cluster's {@code events.log}: one line per event, also echoed to the controller log, read
 * by people ({@code pgset events}) and greps:
 * {@code 2026-11-29T10:00:00Z Warning Fence cluster=demo pod=demo-0 fence demo-0: primary demo-0 lost (pod gone)}.
 */
public final class EventLog implements EventSink {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.events");

    private final Path file;
    private final Clock clock;

    public EventLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    @Override
    public synchronized void record(Event event) {
        String line = line(Instant.now(clock), event) + "\n";
        try {
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("cannot append to {}: {}; the event was: {}", file, e.getMessage(), line.strip());
        }
    }

    static String line(Instant at, Event event) {
        String severity = event.severity() == Event.Severity.WARNING ? "Warning" : "Normal";
        return at + " " + severity + " " + event.reason() + " " + event.describe();
    }
}
