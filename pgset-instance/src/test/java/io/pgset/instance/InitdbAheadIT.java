package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link InitdbAhead} with the real initdb, flock and pg_controldata: the database made ahead
 * becomes the instance's only when it is proven complete and made as the instance would make it;
 * otherwise the instance runs initdb itself, and nothing made ahead is ever taken half-made.
 */
class InitdbAheadIT {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final PostgresUser USER = PostgresUser.current();

    private Path root;
    private Path volume;
    private final List<Process> started = new java.util.ArrayList<>();

    @BeforeEach
    void home() throws IOException {
        root = Files.createTempDirectory("pgset-ahead-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        volume = root.resolve("volumes/data-demo-0");
        for (String name : new String[] {Secrets.SUPERUSER_PASSWORD, Secrets.REPLICATION_PASSWORD,
                Secrets.APP_PASSWORD, Secrets.API_TOKEN}) {
            Files.writeString(root.resolve(name), "secret\n");
        }
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        InitdbAhead.awaitUnlocked(volume.resolve(InitdbAhead.RECORD), Duration.ofSeconds(30));
        TestTrees.delete(root);
    }

    @Test
    void aCompleteInitdbMadeAheadBecomesTheNewDatabase() throws IOException {
        InitdbAhead.Started ahead = start("secret").orElseThrow();
        started.add(ahead.runner());
        assertThat(InitdbAhead.awaitUnlocked(volume.resolve(InitdbAhead.RECORD), Duration.ofMinutes(2))).isTrue();
        String madeAhead = identifier(volume.resolve("pgdata.initdb"));

        String done = data(BIN, true).prepare(Secrets.read(root), Optional.empty(), postgres(), () -> { });

        assertThat(done).isEqualTo("new database (initdb)");
        assertThat(identifier(volume.resolve("pgdata"))).isEqualTo(madeAhead);
        assertThat(controlData(volume.resolve("pgdata"))).contains("Data page checksum version:           1");
        assertThat(volume.resolve("pgdata.initdb")).doesNotExist();
        for (String left : new String[] {InitdbAhead.RECORD, InitdbAhead.LOG, InitdbAhead.PASSWORD_FILE}) {
            assertThat(volume.resolve(left)).doesNotExist();
        }
    }

    @Test
    void theInstanceWaitsForAnInitdbAheadThatStillRuns() throws IOException {
        InitdbAhead.Started ahead = start("secret").orElseThrow();
        started.add(ahead.runner());
        assertThat(ahead.runner().isAlive()).as("initdb still runs when the instance comes").isTrue();

        String done = data(BIN, true).prepare(Secrets.read(root), Optional.empty(), postgres(), () -> { });

        assertThat(done).isEqualTo("new database (initdb)");
        assertThat(ahead.runner().isAlive()).isFalse();
        assertThat(controlData(volume.resolve("pgdata"))).contains("Database cluster state:               shut down");
        assertThat(volume.resolve(InitdbAhead.RECORD)).doesNotExist();
    }

    /**
     * The worst moment: initdb has exited with 0 and its staging directory looks complete, but the
     * runner was killed before it recorded the success. Nothing proves the data complete, so it is
     * not taken.
     */
    @Test
    void anInitdbAheadWhoseSuccessWasNotRecordedIsNotTaken() throws Exception {
        Path bin = binWithInitdbThatLingers();
        InitdbAhead.Started ahead = InitdbAhead.start(volume, bin, true, "secret").orElseThrow();
        started.add(ahead.runner());
        assertThat(Poll.until(Duration.ofMinutes(2), Duration.ofMillis(20), () -> Files.exists(root.resolve("initdb-exited"))))
                .isTrue();
        String madeAhead = identifier(volume.resolve("pgdata.initdb"));
        ahead.runner().descendants().forEach(ProcessHandle::destroyForcibly);
        ahead.runner().destroyForcibly();

        String done = data(bin, true).prepare(Secrets.read(root), Optional.empty(), postgres(), () -> { });

        assertThat(done).isEqualTo("new database (initdb)");
        assertThat(identifier(volume.resolve("pgdata"))).as("initdb ran again").isNotEqualTo(madeAhead);
        assertThat(volume.resolve(InitdbAhead.RECORD)).doesNotExist();
    }

    @Test
    void anInitdbAheadWithAnotherPasswordIsNotTaken() throws IOException {
        InitdbAhead.Started ahead = start("another").orElseThrow();
        started.add(ahead.runner());
        assertThat(InitdbAhead.awaitUnlocked(volume.resolve(InitdbAhead.RECORD), Duration.ofMinutes(2))).isTrue();
        String madeAhead = identifier(volume.resolve("pgdata.initdb"));

        String done = data(BIN, true).prepare(Secrets.read(root), Optional.empty(), postgres(), () -> { });

        assertThat(done).isEqualTo("new database (initdb)");
        assertThat(identifier(volume.resolve("pgdata"))).isNotEqualTo(madeAhead);
    }

    @Test
    void aVolumeThatExistsIsNeitherUsedNorChanged() throws IOException {
        USER.privateDirectory(volume);
        Files.writeString(volume.resolve("kept"), "data");

        assertThat(start("secret")).isEmpty();

        try (Stream<Path> entries = Files.list(volume)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("kept");
        }
    }

    @Test
    void anInitdbAheadOnAVolumeThatGetsNoNewDatabaseIsRemoved() throws IOException {
        InitdbAhead.Started ahead = start("secret").orElseThrow();
        started.add(ahead.runner());

        assertThatThrownBy(() -> data(BIN, false).prepare(Secrets.read(root), Optional.empty(), postgres(), () -> { }))
                .isInstanceOf(DataDirectory.DataRefusedException.class);

        assertThat(volume.resolve("pgdata.initdb")).doesNotExist();
        assertThat(volume.resolve("pgdata")).doesNotExist();
        assertThat(volume.resolve(InitdbAhead.RECORD)).doesNotExist();
    }

    @Test
    void abandoningStopsInitdbAndReleasesTheLock() throws IOException {
        InitdbAhead.Started ahead = start("secret").orElseThrow();
        started.add(ahead.runner());

        ahead.abandon();

        assertThat(ahead.runner().isAlive()).isFalse();
        assertThat(ahead.runner().descendants()).isEmpty();
        assertThat(InitdbAhead.awaitUnlocked(volume.resolve(InitdbAhead.RECORD), Duration.ofSeconds(1))).isTrue();
    }

    /**
     * In a session of its own, initdb is a scheduling group of its own (Linux's autogroup), and
     * does not share one with the busy JVM of the `up` that started it.
     */
    @Test
    void theRunnerAndInitdbRunInASessionOfTheirOwn() throws IOException {
        InitdbAhead.Started ahead = start("secret").orElseThrow();
        started.add(ahead.runner());

        long session = session(ahead.runner().pid());
        assertThat(session).isEqualTo(ahead.runner().pid()).isNotEqualTo(session(ProcessHandle.current().pid()));
        assertThat(ahead.runner().descendants().filter(p -> p.isAlive()).mapToLong(p -> {
            try {
                return session(p.pid());
            } catch (IOException gone) {
                return session;
            }
        })).containsOnly(session);
        ahead.abandon();
    }

    /** The session id of a process, from /proc (the sixth field of its stat line). */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    private Optional<InitdbAhead.Started> start(String password) throws IOException {
        return InitdbAhead.start(volume, BIN, true, password);
    }

    private DataDirectory data(Path bin, boolean newDatabase) {
        InstanceOptions options = InstanceOptions.local(SpecReader.defaults("demo"), 0, "127.0.0.1", 5432, 8008,
                volume, root, Optional.empty(), newDatabase, Optional.empty());
        return new DataDirectory(options, new Tools(bin, USER), USER, Clock.systemUTC(),
                to -> { throw new AssertionError("no upstream is asked in these tests"); },
                new InstanceLog("demo", "demo-0"));
    }

    private PostgresProcess postgres() {
        return new PostgresProcess(new Tools(BIN, USER), volume.resolve("pgdata"), new InstanceLog("demo", "demo-0"));
    }

    /**
     * A bin directory like the real one whose initdb, the first time, says in a file that the real
     * one succeeded, and sleeps: the runner is then killed between initdb's success and its record.
     */
    private Path binWithInitdbThatLingers() throws IOException {
        Path bin = root.resolve("bin");
        Files.createDirectories(bin);
        try (Stream<Path> programs = Files.list(BIN)) {
            for (Path program : programs.toList()) {
                Files.createSymbolicLink(bin.resolve(program.getFileName()), program);
            }
        }
        Files.delete(bin.resolve("initdb"));
        Path exited = root.resolve("initdb-exited");
        Files.writeString(bin.resolve("initdb"), "#!/bin/sh\n"
                + "if [ -e " + exited + " ]; then exec " + BIN.resolve("initdb") + " \"$@\"; fi\n" // the instance's own
                + BIN.resolve("initdb") + " \"$@\" || exit $?\n"
                + "echo > " + exited + "\nexec sleep 600\n");
        Files.setPosixFilePermissions(bin.resolve("initdb"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx")); // the postgres user writes the note
        return bin;
    }

    private static String identifier(Path pgdata) throws IOException {
        return controlData(pgdata).lines().filter(l -> l.startsWith("Database system identifier:")).findFirst()
                .orElseThrow();
    }

    private static String controlData(Path pgdata) throws IOException {
        return new Tools(BIN, USER).output(Duration.ofSeconds(30), "pg_controldata", "-D", pgdata.toString());
    }
}
