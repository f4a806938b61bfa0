package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance writes its own pid file while the controller reads it many times a second. A plain
 * rewrite (truncate, then write) showed readers an empty file most of the time under contention,
 * which made a live instance look gone and be started twice ("port in use").
 */
class PidFileTest {

    @TempDir
    Path dir;

    @Test
    void aReaderNeverSeesAPidFileHalfWritten() throws Exception {
        Path pidFile = dir.resolve("pid");
        Processes.writePid(pidFile, 4242);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 1_000; i++) {
                    Processes.writePid(pidFile, 4242);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                writing.set(false);
            }
        });
        writer.start();
        int reads = 0;
        int torn = 0;
        while (writing.get() || reads < 1_000) {
            reads++;
            if (!Files.readString(pidFile).strip().equals("4242")) {
                torn++;
            }
        }
        writer.join();
        assertThat(torn).as("torn reads of %d", reads).isZero();
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(pidFile); // no temporary files left behind
        }
    }

    /** The instance records itself and its controller records it too: neither may break the other's write. */
    @Test
    void twoWritersAtOnceNeverShareATempFile() throws Exception {
        Path pidFile = dir.resolve("pid");
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (long pid : new long[] {1111, 2222}) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        Processes.writePid(pidFile, pid);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            writers.add(writer);
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join();
        }
        assertThat(failures).isEmpty();
        assertThat(Files.readString(pidFile).strip()).isIn("1111", "2222");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(pidFile);
        }
        assertThat(Files.getPosixFilePermissions(pidFile)).contains(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE).doesNotContain(PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE);
    }
}
