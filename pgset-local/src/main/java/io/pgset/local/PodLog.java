package io.pgset.local;

import io.pgset.instance.PostgresLogs;
import io.pgset.instance.RollingLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An instance's log as {@code pgset logs} shows it: its instance manager's rolling log
 * ({@code pods/<pod>/log}, {@code log.1}, ...) and postgres's files on its volume
 * ({@code pglog/}), each read across its rolls, merged by time, oldest first.
 */
public final class PodLog implements AutoCloseable {

    private final LogCursor pgset;
    private final LogCursor postgres;

    public PodLog(Path podLog, Path volume) {
        this.pgset = new LogCursor(() -> RollingLog.files(podLog));
        this.postgres = new LogCursor(() -> PostgresLogs.files(volume));
    }

    /** The lines written since the last call (all that are kept, at the first), oldest first. */
    public List<String> next() throws IOException {
        return merged(pgset.next(), postgres.next());
    }

    /** Lines without their line break yet, for a last look. */
    public List<String> rest() {
        return merged(pgset.rest(), postgres.rest());
    }

    /** A stable merge: each log keeps its own order, and on equal times pgset's line comes first. */
    static List<String> merged(List<LogCursor.Line> first, List<LogCursor.Line> second) {
        List<String> out = new ArrayList<>(first.size() + second.size());
        Comparator<LogCursor.Line> byTime = Comparator.comparing(LogCursor.Line::time);
        int i = 0;
        int j = 0;
        while (i < first.size() || j < second.size()) {
            boolean takeFirst = j >= second.size()
                    || (i < first.size() && byTime.compare(first.get(i), second.get(j)) <= 0);
            out.add(takeFirst ? first.get(i++).text() : second.get(j++).text());
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        pgset.close();
        postgres.close();
    }
}
