package io.pgset.instance;

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
 * starting a new file at {@link LogLimits#rotationKb()}. postgres never deletes a file, so the
 * instance manager prunes all but the newest {@link LogLimits#files()}.
 */
public final class PostgresLogs {

    static final String DIRECTORY = "pglog";
    private static final String PREFIX = "postgresql-";
    private static final String SUFFIX = ".log";

    private final Path directory;
    private final LogLimits limits;

    PostgresLogs(Path volume, LogLimits limits) {
        this.directory = volume.resolve(DIRECTORY);
        this.limits = limits;
    }

    Path directory() {
        return directory;
    }

    /** The settings that send postgres's log to its files; the timestamps in UTC, as pgset's own. */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("logging_collector", "on");
        s.put("log_directory", directory.toString());
        // Names sort as they were begun; one second's rotations share a file.
        s.put("log_filename", PREFIX + "%Y%m%d-%H%M%S" + SUFFIX);
        s.put("log_rotation_size", limits.rotationKb() + "kB");
        s.put("log_rotation_age", "0");
        s.put("log_timezone", "UTC");
        return s;
    }

    /** Deletes all but the newest files; returns how many it deleted. */
    int prune() throws IOException {
        List<Path> files = files(directory.getParent());
        int excess = Math.max(0, files.size() - limits.files());
        for (Path old : files.subList(0, excess)) {
            Files.deleteIfExists(old);
        }
        return excess;
    }

    /** A volume's postgres log files, oldest first; none when postgres has not logged there yet. */
    public static List<Path> files(Path volume) throws IOException {
        Path dir = volume.resolve(DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
            }).sorted().toList();
        }
    }
}
