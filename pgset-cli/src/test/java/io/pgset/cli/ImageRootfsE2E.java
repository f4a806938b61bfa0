package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgset.kubernetes.image.ChrootCommand;
import io.pgset.kubernetes.image.RootFilesystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the pgset image ships, proven inside the root filesystem e2e/rootfs/build.sh builds from
 * deploy/Dockerfile (no Docker here): each command runs chrooted in it as a container would
 * ({@link ChrootCommand}), as the image's user, with this build's jar mounted where the Dockerfile
 * copies it. Nothing of this machine's postgres or Java is used.
 */
class ImageRootfsE2E {

    private static final Path JAR = Path.of("target", "pgset.jar").toAbsolutePath();
    private static final Duration RUN = Duration.ofSeconds(60);

    private static RootFilesystem rootfs;
    private Path scratch;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void locate() throws Exception {
        rootfs = RootFilesystem.locate();
        assertThat(JAR).as("the jar `mvn package` builds").isRegularFile();
    }

    @BeforeEach
    void scratch() throws IOException {
        scratch = Files.createTempDirectory("pgset-image-e2e-");
    }

    @AfterEach
    void stopAndClean() throws IOException, InterruptedException {
        for (Process process : started) {
            process.destroyForcibly(); // unshare --kill-child takes the namespace's processes with it
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void postgresUserAndGroupAre999() throws Exception {
        assertThat(run(image(), "id", "-u", "postgres")).isEqualTo("999");
        assertThat(run(image(), "id", "-g", "postgres")).isEqualTo("999");
        assertThat(run(image(), "id", "-un")).as("the image's USER").isEqualTo("postgres");
    }

    @Test
    void postgres15AndPgbackrestAreWhereTheImageLooks() throws Exception {
        assertThat(run(image(), "sh", "-c", "command -v postgres")).isEqualTo("/usr/lib/postgresql/15/bin/postgres");
        assertThat(run(image(), "postgres", "--version")).startsWith("postgres (PostgreSQL) 15.");
        for (String tool : List.of("initdb", "pg_ctl", "pg_basebackup", "pg_rewind", "psql")) {
            assertThat(run(image(), "sh", "-c", "command -v " + tool)).isEqualTo("/usr/lib/postgresql/15/bin/" + tool);
        }
        assertThat(run(image(), "pgbackrest", "version")).startsWith("pgBackRest 2.");
        assertThat(rootfs.resolve("/etc/postgresql/15/main")).as("no default cluster").doesNotExist();
    }

    @Test
    void imageJreRunsTheMountedJar() throws Exception {
        String version = run(image(), "java", "-jar", rootfs.image().jar().toString(), "--version");
        System.out.println("in the image: " + version);
        assertThat(version).startsWith("pgset ").contains("(Java 17.");
        assertThat(run(image(), "sh", "-c", "readlink -f \"$(command -v java)\"")).startsWith("/usr/lib/jvm/");
        // The image's ENTRYPOINT, as a pod with only args set runs it.
        assertThat(run(image().entrypoint(List.of("--version")))).isEqualTo(version);
    }

    /**
     * As a pod runs it: the init container prepares the volume, then postgres (initdb'd on the
     * volume) runs as 999 inside and answers a connection from outside.
     */
    @Test
    void postgresRunsAs999InsideAndAcceptsAConnection() throws Exception {
        Path volume = Files.createDirectory(scratch.resolve("volume"));
        // What fsGroup 999 makes of a pod's volume.
        run(List.of("chown", "999:999", volume.toString()));
        ChrootCommand pod = image().withBind(volume, "/var/lib/pgset", false);
        assertThat(run(pod.entrypoint(List.of("prepare-volume", "--volume=/var/lib/pgset")))).contains("is ready");
        run(pod, "initdb", "-D", "/var/lib/pgset/pgdata", "--auth=trust", "-U", "postgres");
        int port = freePort();
        long start = System.nanoTime();
        Process postgres = start(pod.command(List.of("postgres", "-D", "/var/lib/pgset/pgdata", "-p",
                String.valueOf(port), "-c", "listen_addresses=127.0.0.1", "-k", "/tmp")));

        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        String dataDirectory = await().atMost(RUN).ignoreExceptions().until(() -> query(url,
                "select current_setting('data_directory')"), d -> d != null);
        System.out.println("postgres in the image answered " + (System.nanoTime() - start) / 1_000_000 + " ms after start");
        assertThat(dataDirectory).isEqualTo("/var/lib/pgset/pgdata");
        assertThat(query(url, "select current_setting('server_version_num')")).startsWith("15");
        ProcessHandle postmaster = postgres.toHandle().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .findFirst().orElseThrow();
        assertThat(uid(postmaster.pid())).as("the postmaster's uid").isEqualTo(999);
        assertThat(Files.getAttribute(volume.resolve("pgdata"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .as("the owner of PGDATA on the volume").isEqualTo(999);

        ChrootCommand.terminate(postgres); // as a kubelet stops a container: SIGTERM, a smart shutdown
        assertThat(postgres.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)).as("postgres stopped on SIGTERM").isTrue();
        assertThat(postgres.exitValue()).isZero();
        assertThat(ProcessHandle.of(postmaster.pid())).isEmpty();
    }

    private ChrootCommand image() {
        return ChrootCommand.of(rootfs, scratch.resolve("layer-" + started.size() + "-" + System.nanoTime()), JAR);
    }

    private String run(ChrootCommand in, String... command) throws Exception {
        return run(in.command(List.of(command)));
    }

    /** Runs to its end; its standard output, trimmed; fails naming the command and what it said otherwise. */
    private String run(List<String> line) throws Exception {
        Process process = start(line);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)).as("%s ended", line).isTrue();
        assertThat(process.exitValue()).as("exit of %s, which said: %s %s", line.subList(Math.max(0, line.size() - 4),
                line.size()), out, Files.readString(errors(process))).isZero();
        return out;
    }

    /** Started with its standard error going to a file of the scratch folder. */
    private Process start(List<String> line) throws IOException {
        Path errors = scratch.resolve("stderr-" + started.size());
        Process process = new ProcessBuilder(line).redirectError(errors.toFile()).start();
        started.add(process);
        return process;
    }

    private Path errors(Process process) {
        return scratch.resolve("stderr-" + started.indexOf(process));
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); ResultSet r = c.createStatement().executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    private static int uid(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(l -> l.startsWith("Uid:"))
                .map(l -> Integer.parseInt(l.split("\\s+")[1]))
                .findFirst().orElseThrow();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
