package io.pgset.instance.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of postgres's process tree (the postmaster and every process under
 * it), read from {@code /proc}, which any user may read for any process.
 *
 * <p>CPU: the postmaster's own user and system time, plus what its children that have exited used
 * (postgres waits for each, so the kernel adds their time to the postmaster's {@code cutime} and
 * {@code cstime}), plus what the live ones used so far: a counter that only grows while the same
 * postmaster runs. Memory: every process's resident memory that is not shared memory
 * ({@code VmRSS - RssShmem}), plus the largest {@code RssShmem} once, so that shared buffers, which
 * each backend maps, are counted once rather than once per backend.
 */
final class ProcessTree {

    /** postgres's process tree at one moment; {@link #NONE} when there is no postmaster. */
    record Usage(double cpuSeconds, long residentBytes, int processes) {
        static final Usage NONE = new Usage(0, 0, 0);
    }

    /** Times in /proc/PID/stat are in clock ticks; Linux has counted USER_HZ = 100 ticks a second on every architecture. */
    static final double TICKS_PER_SECOND = 100;

    private final Path proc;

    ProcessTree(Path proc) {
        this.proc = proc;
    }

    ProcessTree() {
        this(Path.of("/proc"));
    }

    /** The tree under {@code postmaster}; {@link Usage#NONE} when it is 0 or gone. */
    Usage read(long postmaster) {
        if (postmaster <= 0) {
            return Usage.NONE;
        }
        Optional<ProcessHandle> root = ProcessHandle.of(postmaster);
        if (root.isEmpty()) {
            return Usage.NONE;
        }
        List<Long> children;
        try (Stream<ProcessHandle> descendants = root.get().descendants()) {
            children = descendants.map(ProcessHandle::pid).toList();
        }
        Optional<String> rootStat = read(postmaster, "stat");
        if (rootStat.isEmpty()) {
            return Usage.NONE;
        }
        long ticks = ticks(rootStat.get(), true);
        long privateBytes = privateBytes(read(postmaster, "status"));
        long shared = sharedBytes(read(postmaster, "status"));
        int processes = 1;
        for (long child : children) {
            Optional<String> stat = read(child, "stat");
            if (stat.isEmpty()) {
                continue; // exited since it was listed: its time is in the postmaster's cutime now
            }
            Optional<String> status = read(child, "status");
            ticks += ticks(stat.get(), false);
            privateBytes += privateBytes(status);
            shared = Math.max(shared, sharedBytes(status));
            processes++;
        }
        return new Usage(ticks / TICKS_PER_SECOND, privateBytes + shared, processes);
    }

    private Optional<String> read(long pid, String file) {
        try {
            return Optional.of(Files.readString(proc.resolve(Long.toString(pid)).resolve(file)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * utime + stime (and, with {@code withChildren}, cutime + cstime) of a {@code /proc/PID/stat}
     * line. The command name in parentheses may hold spaces and parentheses, so fields are counted
     * from the last closing one: after it come state (field 3), ..., utime (14), stime (15),
     * cutime (16), cstime (17).
     */
    static long ticks(String stat, boolean withChildren) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field n is fields[n - 3]
        long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
        if (withChildren) {
            ticks += Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
        }
        return ticks;
    }

    /** VmRSS - RssShmem of a {@code /proc/PID/status}, in bytes; 0 when unreadable. */
    static long privateBytes(Optional<String> status) {
        return status.map(s -> Math.max(0, kilobytes(s, "VmRSS:") - kilobytes(s, "RssShmem:")) * 1024).orElse(0L);
    }

    /** RssShmem of a {@code /proc/PID/status}, in bytes; 0 when unreadable. */
    static long sharedBytes(Optional<String> status) {
        return status.map(s -> kilobytes(s, "RssShmem:") * 1024).orElse(0L);
    }

    private static long kilobytes(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }
}
