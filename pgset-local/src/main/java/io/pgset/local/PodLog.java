package io.pgset.local;

import io.pgset.instance.PostgresLogs;
import io.pgset.instance.PostgresRecord;
import io.pgset.instance.RollingLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An instance's log as {@code pgset logs} shows it: its instance manager's rolling log
 * ({@code pods/<pod>/log}, {@code log.1}, ...) and postgres's files on its volume
 * ({@code pglog/}, text and JSON records), each read across its rolls, merged by time, oldest
 * first. postgres's records that the instance manager forwarded to its own log in json mode are
 * read from postgres's files instead, so each shows once.
 */
public final class PodLog implements AutoCloseable {

    private final LogCursor pgset;
    private final LogCursor postgres;
    private final LogCursor postgresJson;

    public PodLog(Path podLog, Path volume) {
        this.pgset = new LogCursor(() -> RollingLog.files(podLog), line -> !PostgresRecord.isForwarded(line));
        this.postgres = new LogCursor(() -> PostgresLogs.files(volume), line -> true);
        this.postgresJson = new LogCursor(() -> PostgresLogs.files(volume, PostgresLogs.Kind.JSON), line -> true);
    }

    /** The lines written since the last call (all that are kept, at the first), oldest first. */
    public List<String> next() throws IOException {
        return text(merged(merged(pgset.next(), postgres.next()), postgresJson.next()));
    }

    /** Lines without their line break yet, for a last look. */
    public List<String> rest() {
        return text(merged(merged(pgset.rest(), postgres.rest()), postgresJson.rest()));
    }

    /** A stable merge: each log keeps its own order, and on equal times the first log's line comes first. */
    static List<LogCursor.Line> merged(List<LogCursor.Line> first, List<LogCursor.Line> second) {
        List<LogCursor.Line> out = new ArrayList<>(first.size() + second.size());
        Comparator<LogCursor.Line> byTime = Comparator.comparing(LogCursor.Line::time);
        int i = 0;
        int j = 0;
        while (i < first.size() || j < second.size()) {
            boolean takeFirst = j >= second.size()
                    || (i < first.size() && byTime.compare(first.get(i), second.get(j)) <= 0);
            out.add(takeFirst ? first.get(i++) : second.get(j++));
        }
        return out;
    }

    private static List<String> text(List<LogCursor.Line> lines) {
        return lines.stream().map(LogCursor.Line::text).toList();
    }

    @Override
    public void close() throws IOException {
        pgset.close();
        postgres.close();
        postgresJson.close();
    }
}
