package io.pgset.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The System V shared memory segment that a postmaster killed with SIGKILL leaves behind.
 *
 * <p>postgres keeps a small System V segment (56 bytes) as an interlock, and records its key and id
 * in {@code postmaster.pid}. A postmaster that stops removes it; one that is killed cannot. postgres
 * removes it itself when it next starts on the same data directory, but a data directory that is
 * deleted instead (a volume deleted after a crash) leaves it in the kernel for good. Each one takes
 * one of the host's segment ids ({@code kernel.shmmni}, 4096 by default); once they are all taken,
 * no postgres on the host can start, with {@code shmget ... No space left on device}.
 *
 * <p>So whatever deletes a data directory first releases its segment, and only with proof that no
 * process uses it: the kernel lists a segment with exactly the recorded key and id, created by the
 * recorded postmaster, and attached to no process. A running postmaster stays attached to its
 * segment, so a live cluster's segment is never touched.
 */
public final class LeftoverSharedMemory {

    private static final Logger LOG = LoggerFactory.getLogger("pgset.instance");
    private static final Path SEGMENTS = Path.of("/proc/sysvipc/shm");
    private static final String PID_FILE = "postmaster.pid";
    /** The line of postmaster.pid with the segment's key and id (postgres's LOCK_FILE_LINE_SHMEM_KEY, 7). */
    private static final int SHMEM_LINE = 6;

    private LeftoverSharedMemory() {}

    /** What a postmaster.pid says of its postmaster's segment. */
    record Recorded(long postmasterPid, long key, long id) {}

    /** One row of the kernel's segment table. */
    record Segment(long key, long id, long creatorPid, long attached) {}

    /**
     * Releases the leftover segments of every data directory under {@code root}, before the tree is
     * deleted. Best effort: a segment that cannot be released is logged and left; it never stops
     * the deletion. Returns how many were released.
     */
    public static int releaseUnder(Path root) {
        if (!Files.isReadable(SEGMENTS) || !Files.isDirectory(root)) {
            return 0; // no System V table to read (not Linux), or nothing to look in
        }
        List<Path> pidFiles = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(p -> p.getFileName() != null && PID_FILE.equals(p.getFileName().toString()))
                    .forEach(pidFiles::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("could not look for postmaster.pid files under {}: {}", root, e.toString());
            return 0;
        }
        if (pidFiles.isEmpty()) {
            return 0;
        }
        List<Segment> segments;
        try {
            segments = segments(Files.readAllLines(SEGMENTS));
        } catch (IOException e) {
            LOG.warn("could not read {}: {}", SEGMENTS, e.toString());
            return 0;
        }
        int released = 0;
        for (Path pidFile : pidFiles) {
            Optional<Recorded> recorded = recorded(pidFile);
            Optional<Segment> leftover = recorded.flatMap(r -> leftover(r, segments));
            if (leftover.isPresent() && remove(leftover.get(), pidFile)) {
                released++;
            }
        }
        return released;
    }

    private static Optional<Recorded> recorded(Path pidFile) {
        try {
            return recorded(Files.readAllLines(pidFile));
        } catch (IOException e) {
            return Optional.empty(); // gone meanwhile, or not readable: nothing proven
        }
    }

    /**
     * The postmaster's pid and its segment's key and id, when the file has them. A single-user
     * backend (initdb runs several) records its pid negated, and makes a segment of its own.
     */
    static Optional<Recorded> recorded(List<String> pidFileLines) {
        if (pidFileLines.size() <= SHMEM_LINE) {
            return Optional.empty(); // written before the segment was made
        }
        String[] shmem = pidFileLines.get(SHMEM_LINE).strip().split("\\s+");
        if (shmem.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Recorded(Math.abs(Long.parseLong(pidFileLines.get(0).strip())),
                    Long.parseLong(shmem[0]), Long.parseLong(shmem[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The rows of {@code /proc/sysvipc/shm}: key, shmid, perms, size, cpid, lpid, nattch, ... */
    static List<Segment> segments(List<String> table) {
        List<Segment> segments = new ArrayList<>();
        for (String line : table.subList(Math.min(1, table.size()), table.size())) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 7) {
                continue;
            }
            try {
                segments.add(new Segment(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[4]),
                        Long.parseLong(f[6])));
            } catch (NumberFormatException e) {
                // not a row
            }
        }
        return segments;
    }

    /**
     * The recorded segment, when the kernel still has it, its postmaster made it, and nothing is
     * attached to it. The kernel prints keys as signed 32-bit numbers, postgres as unsigned.
     */
    static Optional<Segment> leftover(Recorded recorded, List<Segment> segments) {
        return segments.stream()
                .filter(s -> s.id() == recorded.id()
                        && (s.key() & 0xffffffffL) == (recorded.key() & 0xffffffffL)
                        && s.creatorPid() == recorded.postmasterPid()
                        && s.attached() == 0)
                .findFirst();
    }

    private static boolean remove(Segment segment, Path pidFile) {
        try {
            Process ipcrm = new ProcessBuilder("ipcrm", "-m", Long.toString(segment.id()))
                    .redirectErrorStream(true).start();
            String output = new String(ipcrm.getInputStream().readAllBytes()).strip();
            if (!ipcrm.waitFor(10, TimeUnit.SECONDS) || ipcrm.exitValue() != 0) {
                ipcrm.destroyForcibly();
                LOG.warn("could not release the shared memory segment {} that {} names: {}", segment.id(), pidFile,
                        output);
                return false;
            }
            LOG.info("released the shared memory segment {} that the killed postmaster {} left ({})", segment.id(),
                    segment.creatorPid(), pidFile);
            return true;
        } catch (IOException e) {
            LOG.warn("could not run ipcrm to release the shared memory segment {}: {}", segment.id(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
