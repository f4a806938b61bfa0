package io.pgset.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.core.model.StorageLevel;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.PostgresUser;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.operator.ClaimCapacity;
import io.pgset.kubernetes.operator.KubernetesRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pgset instance} as it runs in the pods of a StatefulSet: real postgres, pg_basebackup and
 * pg_rewind, with the fabric8 mock API server (CRUD mode) holding the StatefulSet and the pods, and
 * this test playing the operator (recording the primary, labelling, promoting). Each pod has its own
 * loopback address (127.0.0.2, 127.0.0.3) and the same ports, as pods have their own IPs. The pods
 * reach the API server through a relay the test can cut, like a network partition.
 */
@EnableKubernetesMockClient(crud = true)
class PodInstanceIT {

    static KubernetesClient client;

    private static final String NS = "prod";
    private static final String PASSWORD = "superuser-secret-1";

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<PodInstance> running = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService starts = Executors.newCachedThreadPool();
    private Path dir;
    private Path secrets;
    private Path specFile;
    /** Each pod's own way to the API server, to cut one pod's node off, or all. */
    private final List<CuttableProxy> proxies = new ArrayList<>();
    private final List<KubernetesClient> podClients = new ArrayList<>();
    private int port;
    private int apiPort;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("pgset-it-pod");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // postgres enters
        spec = SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec:
                  instances: 2
                  bootstrap: {initdb: {database: app, owner: app}}
                """);
        specFile = Files.writeString(dir.resolve("spec.yaml"), SpecReader.write(spec));
        Path init = Files.writeString(dir.resolve("init.sql"), "CREATE TABLE orders (id int PRIMARY KEY);\n"
                + "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS $$ SELECT 42; $$;\n");
        secrets = io.pgset.kubernetes.image.PodSecrets.write(dir.resolve("secrets"), PASSWORD);
        port = freePortOnEveryPodAddress();
        apiPort = freePortOnEveryPodAddress();

        client.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder()
                .withNewMetadata().withName("demo").endMetadata()
                .withNewSpec().withReplicas(2).withServiceName("demo").endSpec().build()).create();
        for (int i = 0; i < 2; i++) {
            client.pods().inNamespace(NS).resource(new PodBuilder()
                    .withNewMetadata().withName("demo-" + i).addToLabels(ManifestRenderer.CLUSTER_LABEL, "demo").endMetadata()
                    .withNewStatus().withPhase("Running").withPodIP(ip(i)).endStatus().build()).create();
        }
        java.net.URI api = java.net.URI.create(client.getConfiguration().getMasterUrl());
        for (int i = 0; i < 2; i++) {
            CuttableProxy proxy = new CuttableProxy(api.getHost(), api.getPort());
            proxies.add(proxy);
            podClients.add(new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                    .withMasterUrl(api.getScheme() + "://127.0.0.1:" + proxy.port())
                    .withRequestTimeout(2000).withConnectionTimeout(2000).withRequestRetryBackoffLimit(0).build())
                    .build());
        }
        this.init = init;
    }

    private Path init;
    private ClusterSpec spec;

    @AfterEach
    void tearDown() throws Exception {
        starts.shutdownNow();
        starts.awaitTermination(30, TimeUnit.SECONDS);
        for (PodInstance instance : running) {
            instance.close();
        }
        // Whatever a failed test left: postmasters named by their data directory, then their children.
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false)).toList();
        left.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : left) {
            p.onExit().get(10, TimeUnit.SECONDS);
        }
        podClients.forEach(KubernetesClient::close);
        for (CuttableProxy proxy : proxies) {
            proxy.close();
        }
        client.apps().statefulSets().inNamespace(NS).withName("demo").delete();
        client.pods().inNamespace(NS).delete();
        io.pgset.instance.LeftoverSharedMemory.releaseUnder(dir); // what the killed postmasters left
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void podsStartFromTheRecordedPrimaryAndAFormerPrimaryRejoinsAsAReplica() throws Exception {
        // demo-1 comes first (Parallel pod management): it must wait for a primary, not make a database.
        Future<PodInstance> second = start(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> logged("pod=demo-1 waiting: no primary is recorded"));
        assertThat(second).isNotDone();

        PodInstance first = start(0).get(120, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(120)).until(() -> first.manager().status().ready());
        assertThat(first.manager().status().role()).isEqualTo(Role.PRIMARY);
        // The init ConfigMap's script ran, dollar quotes and all.
        assertThat(query(0, "app", "SELECT answer()")).isEqualTo("42");
        specHandedOverWithAReloadStandsUntilTheMountedFileChanges(first);

        first.manager().ensureSlots(List.of(spec.slotName(1))); // the operator, once demo-0 is Ready
        record("demo-0");
        PodInstance replica = second.get(120, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(120)).until(() -> replica.manager().status().ready());
        assertThat(replica.manager().status().role()).isEqualTo(Role.REPLICA);
        assertThat(replica.manager().status().upstream()).isEqualTo(ip(0) + ":" + port);
        assertThat(logged("pod=demo-1 starting as a replica of " + ip(0) + ":" + port)).isTrue();

        execute(0, "app", "INSERT INTO orders SELECT generate_series(1, 1000)");
        await().atMost(Duration.ofSeconds(30)).until(() -> "1000".equals(query(1, "app", "SELECT count(*) FROM orders")));
        volumesAreMeasuredAsTheOperatorCountsThem(first, replica);

        // A failover the old primary did not hear of: demo-1 promoted, recorded, labelled; demo-0 still
        // runs as a primary (its pod deletion has not reached its node).
        replica.manager().promote();
        replica.manager().ensureSlots(List.of(spec.slotName(0)));
        // The operator records the new primary a moment after promoting it: the new primary's guard
        // meanwhile reads the old record and must not step down for it.
        await().pollDelay(IsolationGuard.PERIOD.multipliedBy(3)).until(() -> true);
        record("demo-1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(first.manager().status().role()).isEqualTo(Role.REPLICA);
            assertThat(first.manager().status().ready()).isTrue();
        });
        assertThat(first.manager().status().upstream()).isEqualTo(ip(1) + ":" + port);
        assertThat(logged("pod=demo-0 demo-1 is the recorded primary, on timeline 2, and demo-0 still a primary on"
                + " timeline 1")).isTrue();
        // The new primary read the old record for a moment too, and stayed what it is.
        assertThat(logged("pod=demo-1 demo-0 is the recorded primary")).isFalse();
        assertThatThrownBy(() -> execute(0, "app", "INSERT INTO orders VALUES (5000)"))
                .hasMessageContaining("read-only transaction");

        execute(1, "app", "INSERT INTO orders VALUES (1001)");
        await().atMost(Duration.ofSeconds(30)).until(() -> "1001".equals(query(0, "app", "SELECT count(*) FROM orders")));
        assertThat(query(1, "app", "SELECT count(*) FROM orders WHERE id <= 1000")).isEqualTo("1000");
    }

    @Test
    void anIsolatedPrimaryStopsItselfAndComesBackWhenTheApiServerAnswers() throws Exception {
        List<PodInstance> pods = primaryAndReplica();
        PodInstance primary = pods.get(0);
        PodInstance replica = pods.get(1);
        execute(0, "app", "INSERT INTO orders SELECT generate_series(1, 10)");

        // The API server goes away, but every peer still streams from the primary: nobody can have
        // been promoted, so it keeps serving through the whole isolation window and beyond.
        for (CuttableProxy proxy : proxies) {
            proxy.cut();
        }
        await().during(IsolationGuard.ISOLATION.plusSeconds(3)).atMost(IsolationGuard.ISOLATION.plusSeconds(10))
                .until(() -> primary.manager().status().ready());
        execute(0, "app", "INSERT INTO orders VALUES (11)");

        // Now its replica is gone too: the primary stops itself within the isolation window.
        Instant lost = Instant.now();
        replica.close();
        running.remove(replica);
        await().atMost(IsolationGuard.ISOLATION.plusSeconds(10)).until(() -> primary.manager().held());
        Duration stoppedAfter = Duration.between(lost, Instant.now());
        assertThat(stoppedAfter).isLessThan(IsolationGuard.ISOLATION.plusSeconds(8));
        assertThatThrownBy(() -> execute(0, "app", "INSERT INTO orders VALUES (12)")).isInstanceOf(SQLException.class);
        assertThat(primary.manager().status().message()).contains("isolated: the API server has not answered");

        // The API server answers again and demo-0 is still the recorded primary: it serves again,
        // with every acknowledged row.
        for (CuttableProxy proxy : proxies) {
            proxy.mend();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> primary.manager().status().ready());
        assertThat(primary.manager().status().role()).isEqualTo(Role.PRIMARY);
        assertThat(query(0, "app", "SELECT count(*) FROM orders")).isEqualTo("11");
        System.out.println("isolated primary stopped itself " + stoppedAfter.toMillis() + " ms after its last peer went");
    }

    /**
     * The partition DESIGN's fencing rule is for: the primary's node loses the API server (and the
     * operator), but not its replica, whose node still reaches the API server. The operator, on the other side, records and promotes the
     * replica. The old primary sees its replica stop streaming and stops itself within seconds;
     * when the partition heals it rejoins the new primary with pg_rewind, and every acknowledged
     * row is on the new primary.
     */
    @Test
    void aPartitionedPrimaryStopsOnceItsReplicaIsPromotedAndRejoinsAfterwards() throws Exception {
        List<PodInstance> pods = primaryAndReplica();
        PodInstance primary = pods.get(0);
        PodInstance replica = pods.get(1);

        proxies.get(0).cut(); // demo-0's node only
        execute(0, "app", "INSERT INTO orders SELECT generate_series(1, 100)");
        await().atMost(Duration.ofSeconds(30)).until(() -> "100".equals(query(1, "app", "SELECT count(*) FROM orders")));
        // The operator's failover waits out the isolation window (and more) before it promotes.
        await().pollDelay(IsolationGuard.ISOLATION).atMost(IsolationGuard.ISOLATION.plusSeconds(5))
                .until(() -> primary.manager().status().ready());

        Instant promoted = Instant.now();
        record("demo-1"); // recorded first, then promoted, as the controller does
        replica.manager().promote();
        await().atMost(Duration.ofSeconds(10)).until(() -> primary.manager().held());
        Duration stoppedAfter = Duration.between(promoted, Instant.now());
        assertThatThrownBy(() -> execute(0, "app", "INSERT INTO orders VALUES (5000)")).isInstanceOf(SQLException.class);
        execute(1, "app", "INSERT INTO orders VALUES (101)");
        replica.manager().ensureSlots(List.of(spec.slotName(0)));

        proxies.get(0).mend();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(primary.manager().status().role()).isEqualTo(Role.REPLICA);
            assertThat(primary.manager().status().ready()).isTrue();
        });
        assertThat(primary.manager().status().upstream()).isEqualTo(ip(1) + ":" + port);
        await().atMost(Duration.ofSeconds(30)).until(() -> "101".equals(query(0, "app", "SELECT count(*) FROM orders")));
        assertThat(query(1, "app", "SELECT count(*) FROM orders")).isEqualTo("101");
        System.out.println("partitioned primary stopped itself " + stoppedAfter.toMillis()
                + " ms after its replica was promoted");
    }

    /**
     * What each pod's instance reports of its volume (its files, walked by the instance), measured
     * as the operator does against the pod's claim: the level follows the claim's capacity, and a
     * claim larger than the filesystem counts with the filesystem's room.
     */
    private static void volumesAreMeasuredAsTheOperatorCountsThem(PodInstance... pods) {
        for (PodInstance pod : pods) {
            // A measurement taken since the data was made: the first one (every 5 s, from the instance's
            // start) may come before initdb or the clone has written anything, now that they overlap.
            await().atMost(Duration.ofSeconds(15)).until(() -> pod.manager().status().storage().usedBytes() >= 16L << 20);
            InstanceStatus.Storage reported = pod.manager().status().storage();
            long used = reported.usedBytes();
            // initdb's files and at least one 16 MiB WAL segment; far from the whole disk
            assertThat(used).isBetween(16L << 20, 1L << 30);
            assertThat(reported.freeBytes()).isPositive();

            InstanceStatus.Storage nearlyFull = ClaimCapacity.against(reported, claim(used * 100 / 90, "Bound"));
            assertThat(nearlyFull.capacityBytes()).isEqualTo(used * 100 / 90);
            assertThat(nearlyFull.level()).isEqualTo(StorageLevel.NEARLY_FULL);
            assertThat(nearlyFull.percentUsed()).isBetween(89, 90);
            assertThat(ClaimCapacity.against(reported, claim(used * 2, "Pending")).level()).isEqualTo(StorageLevel.OK);
            assertThat(ClaimCapacity.against(reported, claim(used, "Bound")).level()).isEqualTo(StorageLevel.FULL);
            InstanceStatus.Storage huge = ClaimCapacity.against(reported, claim(Long.MAX_VALUE / 4, "Bound"));
            assertThat(huge.capacityBytes()).isEqualTo(used + reported.freeBytes());
        }
    }

    /**
     * The operator hands the new spec over with its reload, because the kubelet updates the mounted
     * ConfigMap only a minute or so later; once the file changes, it is the newer.
     */
    private void specHandedOverWithAReloadStandsUntilTheMountedFileChanges(PodInstance pod) throws Exception {
        String withWorkMem = SpecReader.write(spec).replace("parameters: {}", "parameters: {work_mem: 7MB}");
        ClusterSpec handed = SpecReader.read(withWorkMem);
        assertThat(handed.postgres().parameters()).containsEntry("work_mem", "7MB");
        pod.manager().reload(Optional.of(handed));
        assertThat(query(0, "app", "SHOW work_mem")).isEqualTo("7MB");
        pod.manager().reload(); // the file has not changed since
        assertThat(query(0, "app", "SHOW work_mem")).isEqualTo("7MB");
        Files.writeString(specFile, withWorkMem.replace("7MB", "9MB"));
        pod.manager().reload();
        assertThat(query(0, "app", "SHOW work_mem")).as("the file changed after the hand-over").isEqualTo("9MB");
        assertThatThrownBy(() -> pod.manager().reload(Optional.of(SpecReader.read(withWorkMem.replace("name: demo",
                "name: other"))))).hasMessageContaining("cluster other's, not demo's");
    }

    /** The capacity of a claim bound (its status) or not yet (its request) with that many bytes. */
    private static java.util.OptionalLong claim(long bytes, String phase) {
        io.fabric8.kubernetes.api.model.Quantity size = new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(bytes));
        return ClaimCapacity.bytes(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("data-demo-0").endMetadata()
                .withNewSpec().withNewResources().addToRequests("storage", phase.equals("Bound")
                        ? new io.fabric8.kubernetes.api.model.Quantity("1Gi") : size).endResources().endSpec()
                .withNewStatus().withPhase(phase).addToCapacity("storage", size).endStatus().build());
    }

    /** demo-0 a new primary, then demo-1 its streaming replica, as the operator brings them up. */
    private List<PodInstance> primaryAndReplica() throws Exception {
        PodInstance primary = start(0).get(120, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(120)).until(() -> primary.manager().status().ready());
        primary.manager().ensureSlots(List.of(spec.slotName(1)));
        record("demo-0");
        PodInstance replica = start(1).get(120, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(120)).until(() -> replica.manager().status().ready());
        return List.of(primary, replica);
    }

    private Future<PodInstance> start(int ordinal) throws IOException {
        Path volume = dir.resolve("data-demo-" + ordinal);
        PostgresUser.current().privateDirectory(volume);
        PodInstance.Settings settings = new PodInstance.Settings("demo", volume, secrets, specFile, Optional.of(init),
                port, apiPort);
        PodIdentity self = PodIdentity.from("demo", Map.of("POD_NAME", "demo-" + ordinal, "POD_NAMESPACE", NS,
                "POD_IP", ip(ordinal)));
        return starts.submit(() -> {
            PodInstance instance = PodInstance.start(settings, self, podClients.get(ordinal), line -> {
                log.add(line);
                System.out.println(line);
            });
            running.add(instance);
            return instance;
        });
    }

    /** What the operator does once a pod is the ready primary: record it, then label it. */
    private void record(String pod) {
        client.apps().statefulSets().inNamespace(NS).withName("demo").edit(s -> {
            s.getMetadata().getAnnotations().put(KubernetesRuntime.PRIMARY_ANNOTATION, pod);
            return s;
        });
        for (int i = 0; i < 2; i++) {
            String name = "demo-" + i;
            client.pods().inNamespace(NS).withName(name).edit(p -> {
                p.getMetadata().getLabels().put(ManifestRenderer.ROLE_LABEL, name.equals(pod) ? "primary" : "replica");
                return p;
            });
        }
    }

    private boolean logged(String prefix) {
        synchronized (log) {
            return log.stream().anyMatch(line -> line.startsWith(prefix));
        }
    }

    private static String ip(int ordinal) {
        return "127.0.0." + (ordinal + 2);
    }

    private Connection connect(int ordinal, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", PASSWORD);
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", secrets.resolve("ca.crt").toString());
        props.setProperty("connectTimeout", "2");
        return DriverManager.getConnection("jdbc:postgresql://" + ip(ordinal) + ":" + port + "/" + database, props);
    }

    private String query(int ordinal, String database, String sql) throws SQLException {
        try (Connection c = connect(ordinal, database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void execute(int ordinal, String database, String sql) throws SQLException {
        try (Connection c = connect(ordinal, database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A port free on both pods' addresses (pods share port numbers, not addresses). */
    private static int freePortOnEveryPodAddress() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip(0)))) {
                candidate = socket.getLocalPort();
            }
            try (ServerSocket a = new ServerSocket(); ServerSocket b = new ServerSocket()) {
                a.bind(new InetSocketAddress(ip(0), candidate));
                b.bind(new InetSocketAddress(ip(1), candidate));
                return candidate;
            } catch (IOException e) {
                // taken on one of them: another
            }
        }
        throw new IOException("no port free on both " + ip(0) + " and " + ip(1));
    }
}
