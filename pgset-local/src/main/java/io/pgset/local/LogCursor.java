package io.pgset.local;

import io.pgset.instance.LogLines;
import io.pgset.instance.PostgresRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads one log that rolls over several files, across the rolls: the file it is in is known by
 * its identity (inode), not its name, so a file renamed by a roll ({@code log} to
 * {@code log.1}) is read to its end before the next one begins. Each call returns the complete
 * lines added since the one before, with the time each was written (a line without a time of its
 * own takes the one before it), but for those it is told to leave out.
 */
final class LogCursor {

    /** A line and when it was written, for merging logs. */
    record Line(Instant time, String text) {}

    /** The files of the log, oldest first. */
    @FunctionalInterface
    interface Listing {
        List<Path> list() throws IOException;
    }

    private static final DateTimeFormatter POSTGRES_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Listing files;
    private final Predicate<String> keep;
    private FileChannel channel;
    private Object key;
    private final StringBuilder partial = new StringBuilder();
    private Instant last = Instant.EPOCH;

    /** @param keep whether a raw line is shown; the others are read past */
    LogCursor(Listing files, Predicate<String> keep) {
        this.files = files;
        this.keep = keep;
    }

    /** The lines written since the last call (all of the log at the first). */
    List<Line> next() throws IOException {
        List<Line> lines = new ArrayList<>();
        List<Path> all = files.list();
        int at = indexOfCurrent(all);
        if (channel != null) {
            drain(lines);
        }
        for (int i = at + 1; i < all.size(); i++) {
            if (!open(all.get(i))) {
                continue; // pruned meanwhile
            }
            drain(lines);
        }
        return lines;
    }

    /** A last line without its line break, once nothing more is coming. */
    List<Line> rest() {
        if (partial.isEmpty()) {
            return List.of();
        }
        String text = partial.toString();
        partial.setLength(0);
        return keep.test(text) ? List.of(line(text)) : List.of();
    }

    void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    private int indexOfCurrent(List<Path> all) throws IOException {
        if (key == null) {
            return -1;
        }
        for (int i = 0; i < all.size(); i++) {
            if (key.equals(keyOf(all.get(i)))) {
                return i;
            }
        }
        // Ours is gone (pruned after newer ones came): every file there now is newer than it.
        return -1;
    }

    private boolean open(Path file) throws IOException {
        try {
            FileChannel next = FileChannel.open(file, StandardOpenOption.READ);
            close();
            channel = next;
            key = keyOf(file);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private void drain(List<Line> lines) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        while (channel.read(buffer) > 0) {
            bytes.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        partial.append(bytes.toString(StandardCharsets.UTF_8));
        int end;
        while ((end = partial.indexOf("\n")) >= 0) {
            String raw = partial.substring(0, end);
            if (keep.test(raw)) {
                lines.add(line(raw));
            }
            partial.delete(0, end + 1);
        }
    }

    /**
     * A JSON line of pgset's, or a JSON record of postgres's, is read as its text line(s), so both
     * formats read the same to a person.
     */
    private Line line(String raw) {
        String text = LogLines.readable(raw).or(() -> PostgresRecord.readable(raw)).orElse(raw);
        Instant time = timeOf(text);
        if (time != null) {
            last = time;
        }
        return new Line(last, text);
    }

    /** pgset's {@code 2026-11-29T10:00:00.123+00:00 ...} or postgres's {@code 2026-11-29 10:00:00.123 UTC ...}. */
    static Instant timeOf(String line) {
        try {
            int space = line.indexOf(' ');
            if (space > 10 && line.charAt(10) == 'T') {
                return OffsetDateTime.parse(line.substring(0, space)).toInstant();
            }
            if (line.length() >= 27 && line.charAt(10) == ' ' && line.startsWith("UTC ", 24)) {
                return LocalDateTime.parse(line.substring(0, 23), POSTGRES_TIME).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            // not a timestamp after all: the line belongs with the one before it
        }
        return null;
    }

    private static Object keyOf(Path file) throws IOException {
        try {
            return Objects.requireNonNull(Files.readAttributes(file, BasicFileAttributes.class).fileKey(), "file key");
        } catch (NoSuchFileException e) {
            return "gone:" + file;
        }
    }
}
