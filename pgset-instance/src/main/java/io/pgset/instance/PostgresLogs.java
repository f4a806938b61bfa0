package io.pgset.instance;

import io.pgset.core.model.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * postgres's own log: its logging collector writes {@code pglog/postgresql-<time>.log} on the
 * instance's volume (beside PGDATA, not in it, so pg_basebackup and pg_rewind never copy it),
 * starting a new file at {@link LogLimits#rotationKb()}. With the JSON log format postgres writes
 * its records as JSON lines ({@code log_destination = 'jsonlog'}) to
 * {@code pglog/postgresql-<time>.json} instead; the {@code .log} files then hold only what its
 * child processes print outside its own logging. postgres never deletes a file, so the instance
 * manager prunes all but the newest {@link LogLimits#files()} of each kind.
 */
public final class PostgresLogs {

    static final String DIRECTORY = "pglog";
    private static final String PREFIX = "postgresql-";

    /** The two kinds of file postgres writes there: its text log, and its JSON records. */
    public enum Kind {
        TEXT(".log"),
        JSON(".json");

        private final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    private final Path directory;
    private final LogLimits limits;
    private final LogFormat format;

    PostgresLogs(Path volume, LogLimits limits, LogFormat format) {
        this.directory = volume.resolve(DIRECTORY);
        this.limits = limits;
        this.format = format;
    }

    Path directory() {
        return directory;
    }

    /** Whether postgres writes JSON records, which the instance manager then forwards to its own log. */
    LogFormat format() {
        return format;
    }

    /** The settings that send postgres's log to its files; the timestamps in UTC, as pgset's own. */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("logging_collector", "on");
        s.put("log_destination", format == LogFormat.JSON ? "jsonlog" : "stderr");
        s.put("log_directory", directory.toString());
        // Names sort as they were begun; one second's rotations share a file. jsonlog's files
        // take the same name with .json for .log.
        s.put("log_filename", PREFIX + "%Y%m%d-%H%M%S" + Kind.TEXT.suffix);
        s.put("log_rotation_size", limits.rotationKb() + "kB");
        s.put("log_rotation_age", "0");
        s.put("log_timezone", "UTC");
        return s;
    }

    /** Deletes all but the newest files of each kind; returns how many it deleted. */
    int prune() throws IOException {
        int deleted = 0;
        for (Kind kind : Kind.values()) {
            List<Path> files = files(directory.getParent(), kind);
            int excess = Math.max(0, files.size() - limits.files());
            for (Path old : files.subList(0, excess)) {
                Files.deleteIfExists(old);
            }
            deleted += excess;
        }
        return deleted;
    }

    /** A volume's postgres text log files, oldest first; none when postgres has not logged there yet. */
    public static List<Path> files(Path volume) throws IOException {
        return files(volume, Kind.TEXT);
    }

    /** A volume's postgres log files of one kind, oldest first (their names sort by the time they were begun). */
    public static List<Path> files(Path volume, Kind kind) throws IOException {
        Path dir = volume.resolve(DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(kind.suffix);
            }).sorted().toList();
        }
    }
}
