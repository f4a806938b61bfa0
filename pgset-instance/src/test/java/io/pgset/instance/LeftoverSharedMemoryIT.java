package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real postgres's System V segment: left in place while its postmaster runs, released once the
 * postmaster was killed with SIGKILL and its data directory is about to be deleted.
 */
class LeftoverSharedMemoryIT {

    private static final PostgresUser USER = ScratchPostgres.USER;

    private Path root;
    private Path pgdata;
    private Process postgres;

    @BeforeEach
    void initdb() throws IOException {
        root = ScratchPostgres.root("pgset-shm-");
        pgdata = root.resolve("volume/pgdata");
        USER.privateDirectory(root.resolve("volume"));
        ScratchPostgres.initdb(pgdata);
    }

    @AfterEach
    void stopAndDelete() throws IOException {
        if (postgres != null) {
            ScratchPostgres.kill(postgres);
        }
        LeftoverSharedMemory.releaseUnder(root);
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aRunningPostmastersSegmentIsKeptAndAKilledOnesIsReleased() throws Exception {
        postgres = new ProcessBuilder(ScratchPostgres.TOOLS.command("postgres", "-D", pgdata.toString(), "-p",
                Integer.toString(ScratchPostgres.freePort()), "-k", pgdata.toString(), "-c", "listen_addresses="))
                .redirectErrorStream(true).redirectOutput(root.resolve("postgres.log").toFile()).start();
        LeftoverSharedMemory.Recorded recorded = awaitReady();
        assertThat(recorded.postmasterPid()).isEqualTo(postgres.pid());

        assertThat(segment(recorded)).hasValueSatisfying(s -> assertThat(s.attached()).isPositive());
        assertThat(LeftoverSharedMemory.releaseUnder(root)).isZero();
        assertThat(segment(recorded)).isPresent();

        ScratchPostgres.kill(postgres);
        assertThat(segment(recorded)).as("what a killed postmaster leaves")
                .hasValueSatisfying(s -> assertThat(s.attached()).isZero());
        assertThat(LeftoverSharedMemory.releaseUnder(root)).isEqualTo(1);
        assertThat(segment(recorded)).isEmpty();
        assertThat(LeftoverSharedMemory.releaseUnder(root)).as("nothing left to release").isZero();
    }

    private LeftoverSharedMemory.Recorded awaitReady() throws Exception {
        Path pidFile = pgdata.resolve("postmaster.pid");
        AtomicReference<LeftoverSharedMemory.Recorded> recorded = new AtomicReference<>();
        boolean ready = Poll.until(Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
            if (!postgres.isAlive()) {
                throw new Poll.GiveUp(new IllegalStateException("postgres exited; its log: " + log()));
            }
            List<String> lines = Files.readAllLines(pidFile); // not there yet: not yet
            if (lines.size() > 7 && lines.get(7).strip().equals("ready")) {
                recorded.set(LeftoverSharedMemory.recorded(lines).orElseThrow());
                return true;
            }
            return false;
        });
        assertThat(ready).as("postgres ready within 60 s; its log: %s", log()).isTrue();
        return recorded.get();
    }

    private String log() throws IOException {
        return Files.readString(root.resolve("postgres.log"));
    }

    private static Optional<LeftoverSharedMemory.Segment> segment(LeftoverSharedMemory.Recorded recorded)
            throws IOException {
        return LeftoverSharedMemory.segments(Files.readAllLines(Path.of("/proc/sysvipc/shm"))).stream()
                .filter(s -> s.id() == recorded.id())
                .findFirst();
    }
}
