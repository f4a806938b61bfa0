package io.pgset.local;

import io.pgset.core.control.EventSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

/** The cluster's {@code events.log}: one timestamped line per decision, also echoed to the controller log. */
public final class EventLog implements EventSink {

    private final Path file;
    private final Clock clock;

    public EventLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    @Override
    public synchronized void record(String message) {
        String line = Instant.now(clock) + " " + message + "\n";
        System.out.print(line);
        try {
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("cannot append to " + file + ": " + e.getMessage());
        }
    }
}
