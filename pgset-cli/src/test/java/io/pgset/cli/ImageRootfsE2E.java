package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.image.ChrootCommand;
import io.pgset.kubernetes.image.PodSecrets;
import io.pgset.kubernetes.image.RootFilesystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
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
import java.util.Properties;
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
@EnableKubernetesMockClient(crud = true)
class ImageRootfsE2E {

    static KubernetesClient client;

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
    }

    /**
     * The pod's containers as the StatefulSet runs them: the image's ENTRYPOINT with the init
     * container's args (`pgset prepare-volume`), then with the main container's (`pgset instance`
     * in pod mode), the downward API's variables, the Secrets, spec and volume mounted, and an API
     * server (the fabric8 mock, holding the StatefulSet and the pod) to ask who the primary is. A new
     * cluster's first pod: initdb, then postgres serves as the primary, as uid 999, over TLS with the
     * cluster's CA, and stops when the container is asked to.
     */
    @Test
    void podInstanceRunsInTheImageAndServesAsTheNewPrimary() throws Exception {
        Path volume = Files.createDirectory(scratch.resolve("volume"));
        run(List.of("chown", "999:999", volume.toString()));
        Path secrets = PodSecrets.write(scratch.resolve("secrets"), "superuser-secret-1");
        Path spec = Files.writeString(scratch.resolve("spec.yaml"), SpecReader.write(SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec: {instances: 1}
                """)));
        client.apps().statefulSets().inNamespace("prod").resource(new StatefulSetBuilder()
                .withNewMetadata().withName("demo").endMetadata()
                .withNewSpec().withReplicas(1).withServiceName("demo").endSpec().build())
                .createOr(NonDeletingOperation::update); // a busy machine's retried create finds it there
        client.pods().inNamespace("prod").resource(new PodBuilder()
                .withNewMetadata().withName("demo-0").addToLabels(ManifestRenderer.CLUSTER_LABEL, "demo").endMetadata()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1").endStatus().build())
                .createOr(NonDeletingOperation::update);
        URI api = URI.create(client.getConfiguration().getMasterUrl());
        Path kubeconfig = Files.writeString(scratch.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
                users: [{name: mock, user: {token: mock}}]
                contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: prod}}]
                current-context: mock
                """.formatted(api.getScheme(), api.getPort()));
        int port = freePort();
        int apiPort = freePort();
        ChrootCommand pod = image().withBind(volume, "/var/lib/pgset", false)
                .withBind(secrets, "/etc/pgset/secrets", true)
                .withBind(spec, "/etc/pgset/spec/spec.yaml", true)
                .withBind(kubeconfig, "/etc/pgset/kubeconfig", true)
                .withEnv("POD_NAME", "demo-0").withEnv("POD_NAMESPACE", "prod").withEnv("POD_IP", "127.0.0.1");
        run(pod.entrypoint(List.of("prepare-volume", "--volume=/var/lib/pgset")));
        long start = System.nanoTime();
        Process instance = startLogged(pod.entrypoint(List.of("instance", "--cluster=demo", "--volume=/var/lib/pgset",
                "--secrets=/etc/pgset/secrets", "--spec=/etc/pgset/spec/spec.yaml", "--kubeconfig=/etc/pgset/kubeconfig",
                "--port=" + port, "--api-port=" + apiPort)));

        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "superuser-secret-1");
        props.setProperty("sslmode", "verify-ca");
        props.setProperty("sslrootcert", secrets.resolve("ca.crt").toString());
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        String recovery = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    assertThat(instance.isAlive()).as("the instance runs; it said: %s",
                            Files.readString(errors(instance))).isTrue();
                    try (Connection c = DriverManager.getConnection(url, props);
                         ResultSet r = c.createStatement().executeQuery("select pg_is_in_recovery()::text")) {
                        return r.next() ? r.getString(1) : null;
                    }
                }, r -> r != null);
        System.out.println("pgset instance in the image served as the primary " + (System.nanoTime() - start) / 1_000_000
                + " ms after its start");
        assertThat(recovery).isEqualTo("false");
        assertThat(Files.getAttribute(volume.resolve("pgdata"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(999);
        // The postmaster: the postgres process the instance manager started (its backends come and go).
        ProcessHandle postmaster = instance.toHandle().descendants()
                .filter(p -> isPostgres(p) && p.parent().map(parent -> !isPostgres(parent)).orElse(false))
                .findFirst().orElseThrow();
        assertThat(uid(postmaster.pid())).as("the postmaster's uid").isEqualTo(999);

        ChrootCommand.terminate(instance); // as a kubelet stops a container: SIGTERM
        assertThat(instance.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)).as("the instance stopped on SIGTERM").isTrue();
        // A JVM ended by SIGTERM exits 128 + 15 once its shutdown hooks ran: here, a fast shutdown of postgres.
        assertThat(instance.exitValue()).as("its exit; it said: %s", Files.readString(errors(instance))).isEqualTo(143);
        assertThat(Files.readString(errors(instance))).contains("stopping postgres (fast shutdown)", "server stopped");
        assertThat(postmaster.isAlive()).as("postgres stopped with its instance").isFalse();
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("/postgres")).orElse(false);
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

    /** Started with its standard output and error going to a file of the scratch folder. */
    private Process startLogged(List<String> line) throws IOException {
        Path output = scratch.resolve("stderr-" + started.size());
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
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
