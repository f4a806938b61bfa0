package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link DataDirectory} finds on a volume and what it refuses to touch, with the real
 * initdb and pg_controldata (as the postgres user when the tests run as root).
 */
class DataDirectoryIT {

    private static Path template;
    private static final PostgresUser USER = PostgresUser.current();
    private static final Tools TOOLS = new Tools(Path.of("/usr/lib/postgresql/15/bin"), USER);

    private Path root;
    private Path volume;
    private DataDirectory data;

    /** One real database, made once and copied into each test's volume. */
    @BeforeAll
    static void initdb() throws IOException {
        template = accessible(Files.createTempDirectory("pgset-template-"));
        Path pgdata = template.resolve("pgdata");
        USER.privateDirectory(pgdata);
        TOOLS.run(Duration.ofMinutes(2), "initdb", "-D", pgdata.toString(), "-U", "postgres", "--auth=trust",
                "--locale=C.UTF-8");
    }

    @AfterAll
    static void removeTemplate() throws IOException {
        TestTrees.delete(template);
    }

    @BeforeEach
    void volume() throws IOException {
        root = accessible(Files.createTempDirectory("pgset-volume-"));
        volume = root.resolve("data-demo-0");
        USER.privateDirectory(volume);
        InstanceOptions options = InstanceOptions.local(SpecReader.defaults("demo"), 0, "127.0.0.1", 5432, 8008,
                volume, root, Optional.empty(), false, Optional.empty());
        InstanceLog log = new InstanceLog("demo", "demo-0");
        data = new DataDirectory(options, TOOLS, USER, Clock.systemUTC(),
                to -> { throw new AssertionError("no upstream is asked in these tests"); }, log);
    }

    @AfterEach
    void removeVolume() throws IOException {
        TestTrees.delete(root);
    }

    @Test
    void noPgdataAndAnEmptyOneAreEmpty() throws IOException {
        assertThat(data.inspect().kind()).isEqualTo(DataRules.Kind.EMPTY);
        USER.privateDirectory(volume.resolve("pgdata"));
        assertThat(data.inspect().kind()).isEqualTo(DataRules.Kind.EMPTY);
    }

    @Test
    void aDatabaseIsRecognisedWithItsSystemIdentifierAndStandbySignal() throws IOException {
        copyTemplate();
        DataRules.Found primary = data.inspect();
        assertThat(primary.kind()).isEqualTo(DataRules.Kind.PRIMARY_DATA);
        assertThat(primary.systemIdentifier()).isNotEqualTo(OptionalLong.empty());
        data.markStandby();
        assertThat(data.inspect().kind()).isEqualTo(DataRules.Kind.STANDBY_DATA);
    }

    @Test
    void filesWithoutAControlFileOrWithACorruptOneAreUnreadable() throws IOException {
        copyTemplate();
        corrupt(volume.resolve("pgdata/global/pg_control"));
        assertThat(data.inspect().kind()).isEqualTo(DataRules.Kind.UNREADABLE);
        Files.delete(volume.resolve("pgdata/global/pg_control"));
        assertThat(data.inspect().kind()).isEqualTo(DataRules.Kind.UNREADABLE);
    }

    @Test
    void anUnreadableDataDirectoryIsRefusedAndLeftExactlyAsItWas() throws IOException {
        copyTemplate();
        Files.delete(volume.resolve("pgdata/global/pg_control"));
        long files = count(volume.resolve("pgdata"));
        assertThatThrownBy(() -> data.prepare(secrets(), Optional.empty(), postgres(), () -> { }))
                .isInstanceOf(DataDirectory.DataRefusedException.class)
                .hasMessageContaining("no readable global/pg_control").hasMessageContaining("never deletes it");
        assertThat(count(volume.resolve("pgdata"))).isEqualTo(files);
    }

    @Test
    void unfinishedStagingIsRemovedAndEverythingElseKept() throws IOException {
        copyTemplate();
        for (String dir : new String[] {"pgdata.initdb/base", "pgdata.clone/base", "pgdata.broken-20261129T100000Z"}) {
            USER.privateDirectory(volume.resolve(dir));
        }
        String done = data.prepare(secrets(), Optional.empty(), postgres(), () -> { });
        assertThat(done).startsWith("starting on the data");
        assertThat(volume.resolve("pgdata.initdb")).doesNotExist();
        assertThat(volume.resolve("pgdata.clone")).doesNotExist();
        assertThat(volume.resolve("pgdata/PG_VERSION")).exists();
        assertThat(data.keptCopies()).containsExactly("pgdata.broken-20261129T100000Z");
    }

    @Test
    void anInterruptedRewindIsNotStartedAsAPrimary() throws IOException {
        copyTemplate();
        DurableFiles.write(volume.resolve(DataDirectory.REWINDING), "pg_rewind began\n");
        assertThat(data.inspect().rewindInterrupted()).isTrue();
        assertThatThrownBy(() -> data.prepare(secrets(), Optional.empty(), postgres(), () -> { }))
                .isInstanceOf(DataDirectory.DataRefusedException.class).hasMessageContaining("pg_rewind");
        assertThat(volume.resolve("pgdata/PG_VERSION")).exists();
    }

    private Secrets secrets() throws IOException {
        for (String name : new String[] {Secrets.SUPERUSER_PASSWORD, Secrets.REPLICATION_PASSWORD,
                Secrets.APP_PASSWORD, Secrets.API_TOKEN}) {
            Files.writeString(root.resolve(name), "secret\n");
        }
        return Secrets.read(root);
    }

    private PostgresProcess postgres() {
        return new PostgresProcess(TOOLS, volume.resolve("pgdata"), new InstanceLog("demo", "demo-0"));
    }

    private void copyTemplate() throws IOException {
        Process cp = new ProcessBuilder(USER.command(java.util.List.of("cp", "-a", template.resolve("pgdata").toString(),
                volume.resolve("pgdata").toString()))).inheritIO().start();
        try {
            assertThat(cp.waitFor()).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void corrupt(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(20);
            f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.count();
        }
    }

    private static Path accessible(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }
}
