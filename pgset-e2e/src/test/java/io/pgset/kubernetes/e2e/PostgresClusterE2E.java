package io.pgset.kubernetes.e2e;

import static io.pgset.kubernetes.e2e.DemoCluster.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A PostgresCluster end to end: the operator (its own process, with the chart's RBAC) against a real
 * control plane, every pod run by the process kubelet with real postgres in it. The scenarios share
 * one cluster and run in order; each leaves it Ready for the next.
 */
@ExtendWith(KubeletEnvironmentExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresClusterE2E {


    @Test
    @Order(1)
    void threeInstancesStartInOrderAndServeThroughTheirServices(KubeletEnvironment environment) throws SQLException {
        KubernetesClient client = environment.client();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
        long start = System.nanoTime();
        client.resource(cluster(3)).create();

        Map<String, Long> firstSeen = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Long> firstRunning = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Long> firstReady = new java.util.concurrent.ConcurrentHashMap<>();
        awaitClusterReady(environment, 3, () -> pods(client).forEach(pod -> {
            firstSeen.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
            if ("Running".equals(pod.getStatus().getPhase())) {
                firstRunning.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
            }
            if (ready(pod)) {
                firstReady.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
            }
        }));
        System.out.printf("3-instance cluster Ready %d ms after it was created; pods Ready at %s ms%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis(), firstReady.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + Duration.ofNanos(e.getValue() - start).toMillis()).toList());

        List<Pod> pods = pods(client);
        assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly("demo-0", "demo-1", "demo-2");
        for (int i = 1; i < pods.size(); i++) {
            // Ordered: no pod is seen before the one before it runs. The operator creates the next one
            // when the instance reports itself ready, which may be up to a probe period before the
            // kubelet's readiness probe marks the pod Ready: the lag is printed, not asserted.
            String previous = "demo-" + (i - 1);
            assertThat(firstSeen.get("demo-" + i)).as("demo-%d appeared after %s ran", i, previous)
                    .isGreaterThanOrEqualTo(firstRunning.get(previous));
            assertThat(pods.get(i - 1).getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
            if (firstReady.containsKey(previous)) {
                System.out.printf("demo-%d appeared %d ms after %s was Ready%n", i,
                        Duration.ofNanos(firstSeen.get("demo-" + i) - firstReady.get(previous)).toMillis(), previous);
            }
        }
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("data-demo-0", "data-demo-1", "data-demo-2");

        List<String> primary = await().atMost(READY).until(() -> addresses(client, CLUSTER + "-rw"), a -> a.size() == 1);
        List<String> replicas = await().atMost(READY).until(() -> addresses(client, CLUSTER + "-ro"), a -> a.size() == 2);
        try (Connection rw = connect(client, primary.get(0)); Statement sql = rw.createStatement()) {
            assertThat(queryString(sql, "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
            sql.execute("CREATE TABLE e2e (id bigint PRIMARY KEY, note text)");
            sql.execute("INSERT INTO e2e VALUES (1, 'written through demo-rw')");
            // sync mode (ANY 1): the commit returned, so a replica has it.
            assertThat(queryString(sql, "SELECT count(*)::text FROM pg_stat_replication WHERE state = 'streaming'"))
                    .isEqualTo("2");
        }
        for (String replica : replicas) {
            try (Connection ro = connect(client, replica); Statement sql = ro.createStatement()) {
                assertThat(queryString(sql, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
                await().atMost(Duration.ofSeconds(30)).until(() -> queryString(sql, "SELECT count(*)::text FROM e2e").equals("1"));
            }
        }
    }

    @Test
    @Order(2)
    void aDeletedReplicaPodComesBackWithItsNameClaimAndData(KubeletEnvironment environment) throws SQLException {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the cluster the scenario before left Ready").isTrue();
        Pod replica = client.pods().inNamespace(NAMESPACE).withName("demo-2").get();
        assertThat(replica.getMetadata().getLabels()).containsEntry("pgset.io/role", "replica");
        try (Connection rw = connect(client, addresses(client, CLUSTER + "-rw").get(0)); Statement sql = rw.createStatement()) {
            sql.execute("INSERT INTO e2e VALUES (2, 'before demo-2 was deleted')");
        }

        long start = System.nanoTime();
        client.resource(replica).delete();
        Pod back = await().atMost(READY).until(() -> client.pods().inNamespace(NAMESPACE).withName("demo-2").get(),
                p -> p != null && !p.getMetadata().getUid().equals(replica.getMetadata().getUid()) && ready(p));
        System.out.printf("replica demo-2 deleted and Ready again after %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());

        assertThat(back.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim())
                .isNotNull().satisfies(c -> assertThat(c.getClaimName()).isEqualTo("data-demo-2")));
        try (Connection ro = connect(client, back.getStatus().getPodIP()); Statement sql = ro.createStatement()) {
            assertThat(queryString(sql, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
            await().atMost(Duration.ofSeconds(30)).until(() -> queryString(sql, "SELECT count(*)::text FROM e2e").equals("2"));
        }
        awaitClusterReady(environment, 3);
    }

    @Test
    @Order(3)
    void aDeletedPrimaryPodUnderWriteLoadLosesNoAcknowledgedWrite(KubeletEnvironment environment)
            throws Exception {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the cluster the scenario before left Ready").isTrue();
        PrimaryDeletion.Outcome deleted = PrimaryDeletion.underWriteLoad(environment, 1_000_000, false);

        Pod rejoined = client.pods().inNamespace(NAMESPACE).withName(deleted.oldPrimary()).get();
        assertThat(rejoined.getMetadata().getUid()).isNotEqualTo(deleted.oldPod().getMetadata().getUid());
        assertThat(rejoined.getMetadata().getLabels()).containsEntry("pgset.io/role",
                deleted.newPrimary().equals(deleted.oldPrimary()) ? "primary" : "replica");
        Set<Long> onNewPrimary = ids(client, addresses(client, CLUSTER + "-rw").get(0));
        assertThat(onNewPrimary).as("every acknowledged commit survives the failover").containsAll(deleted.acknowledged());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ids(client, rejoined.getStatus().getPodIP())).containsAll(deleted.acknowledged()));
    }

    /**
     * Grace 0: the object goes at once, with the container shown running. A node cut off from the API
     * server looks the same, so the operator may not assume it stopped: no promotion within the fence
     * window, and the StatefulSet's new pod starts as the recorded primary meanwhile.
     */
    @Test
    @Order(4)
    void aForceDeletedPrimaryPodIsNotProvenStoppedAndComesBackOnItsClaimWithEveryCommit(KubeletEnvironment environment)
            throws Exception {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the cluster the scenario before left Ready").isTrue();
        PrimaryDeletion.Outcome deleted = PrimaryDeletion.underWriteLoad(environment, 2_000_000, true);

        // The window is 17 s from the primary's last sight, which may be a pass (about 1 s) before the deletion.
        assertThat(deleted.promotedAfterMillis()).as("no replica promoted within the fence window (ms after the deletion)")
                .satisfiesAnyOf(ms -> assertThat(ms).isEqualTo(-1), ms -> assertThat(ms).isGreaterThanOrEqualTo(15_000));
        Pod back = client.pods().inNamespace(NAMESPACE).withName(deleted.oldPrimary()).get();
        // postgres was killed with its container: the new container found its pid file and removed it.
        assertThat(java.nio.file.Files.readString(environment.kubelet().containerLog(back, "postgres")))
                .contains("removed the postmaster.pid");
        String rw = addresses(client, CLUSTER + "-rw").get(0);
        assertThat(ids(client, rw)).as("every acknowledged commit survives").containsAll(deleted.acknowledged());
    }

    @Test
    @Order(5)
    void anOperatorStartedAfterThePrimaryPodWasDeletedAdoptsTheClusterAndRecoversIt(KubeletEnvironment environment)
            throws Exception {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the cluster the scenario before left Ready").isTrue();
        String primary = (String) status(client).get("primary");
        String setUid = client.apps().statefulSets().inNamespace(NAMESPACE).withName(CLUSTER).get().getMetadata().getUid();
        Pod primaryPod = client.pods().inNamespace(NAMESPACE).withName(primary).get();
        try (Connection rw = connect(client, addresses(client, CLUSTER + "-rw").get(0)); Statement sql = rw.createStatement()) {
            sql.execute("INSERT INTO e2e (id) VALUES (-4)"); // acknowledged by a sync standby before the operator stops
        }

        environment.operator().stop();
        long start = System.nanoTime();
        client.resource(primaryPod).delete();
        // With no operator, the StatefulSet makes the pod again and its instance manager reads the recorded primary.
        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> {
            Pod current = client.pods().inNamespace(NAMESPACE).withName(primary).get();
            return current != null && !current.getMetadata().getUid().equals(primaryPod.getMetadata().getUid())
                    && ready(current);
        });
        System.out.printf("operator stopped, primary %s deleted: its pod was Ready again after %d ms%n", primary,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        Map<String, String> uids = uidsByName(pods(client));

        // The status the stopped operator left says Ready; only the new one can make it say so again.
        client.genericKubernetesResources("pgset.io/v1alpha1", "PostgresCluster").inNamespace(NAMESPACE)
                .withName(CLUSTER).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"readyInstances\":0}}");
        assertThat(clusterReady(client, 3)).isFalse();

        long restart = System.nanoTime();
        environment.operator().start();
        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() ->
                clusterReady(client, 3) && primary.equals(status(client).get("primary"))
                        && addresses(client, CLUSTER + "-rw").size() == 1);
        System.out.printf("operator started again: the cluster was Ready under it after %d ms%n",
                Duration.ofNanos(System.nanoTime() - restart).toMillis());

        // Adopted, not made again: the same StatefulSet, and no pod restarted or replaced.
        assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).withName(CLUSTER).get().getMetadata().getUid())
                .isEqualTo(setUid);
        assertThat(uidsByName(pods(client))).isEqualTo(uids);
        assertThat(pods(client)).allSatisfy(p -> assertThat(p.getStatus().getContainerStatuses())
                .allSatisfy(c -> assertThat(c.getRestartCount()).isZero()));
        String rwAddress = addresses(client, CLUSTER + "-rw").get(0);
        assertThat(rwAddress).isEqualTo(client.pods().inNamespace(NAMESPACE).withName(primary).get().getStatus().getPodIP());
        assertThat(ids(client, rwAddress)).contains(-4L);
        try (Connection rw = connect(client, rwAddress); Statement sql = rw.createStatement()) {
            sql.execute("INSERT INTO e2e (id) VALUES (-5)"); // a sync commit: a standby streams from it again
        }
    }

    private static Map<String, String> uidsByName(List<Pod> pods) {
        return pods.stream().collect(java.util.stream.Collectors.toMap(p -> p.getMetadata().getName(),
                p -> p.getMetadata().getUid()));
    }

    @Test
    @Order(6)
    void scalingUpAndDownGoesInOrdinalOrderAndKeepsTheClaimsOfRemovedPods(KubeletEnvironment environment)
            throws Exception {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the cluster the scenario before left Ready").isTrue();
        String demo2Claim = client.persistentVolumeClaims().inNamespace(NAMESPACE).withName("data-demo-2").get()
                .getMetadata().getUid();

        Map<String, Long> firstSeen = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Long> firstRunning = new java.util.concurrent.ConcurrentHashMap<>();
        long start = System.nanoTime();
        scale(client, 5);
        awaitClusterReady(environment, 5, () -> pods(client).forEach(pod -> {
            firstSeen.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
            if ("Running".equals(pod.getStatus().getPhase())) {
                firstRunning.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
            }
        }));
        System.out.printf("scaled 3 -> 5: Ready after %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(firstSeen.get("demo-4")).as("demo-4 appeared after demo-3 ran").isGreaterThanOrEqualTo(firstRunning.get("demo-3"));
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
                .extracting(c -> c.getMetadata().getName()).contains("data-demo-3", "data-demo-4");
        try (Connection rw = connect(client, addresses(client, CLUSTER + "-rw").get(0)); Statement sql = rw.createStatement()) {
            sql.execute("INSERT INTO e2e (id) VALUES (-6)");
        }

        Map<String, Long> gone = new java.util.concurrent.ConcurrentHashMap<>();
        start = System.nanoTime();
        scale(client, 2);
        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> {
            Set<String> names = pods(client).stream().map(p -> p.getMetadata().getName())
                    .collect(java.util.stream.Collectors.toSet());
            for (String name : List.of("demo-2", "demo-3", "demo-4")) {
                if (!names.contains(name)) {
                    gone.putIfAbsent(name, System.nanoTime());
                }
            }
            return gone.size() == 3 && clusterReady(client, 2);
        });
        System.out.printf("scaled 5 -> 2: Ready after %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(gone.get("demo-4")).as("demo-4 went before demo-3").isLessThanOrEqualTo(gone.get("demo-3"));
        assertThat(gone.get("demo-3")).as("demo-3 went before demo-2").isLessThanOrEqualTo(gone.get("demo-2"));
        assertThat(pods(client)).extracting(p -> p.getMetadata().getName()).containsExactly("demo-0", "demo-1");
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("data-demo-0", "data-demo-1", "data-demo-2", "data-demo-3", "data-demo-4");

        start = System.nanoTime();
        scale(client, 3);
        awaitClusterReady(environment, 3);
        System.out.printf("scaled 2 -> 3: Ready after %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withName("data-demo-2").get()
                .getMetadata().getUid()).as("demo-2 got its own claim back").isEqualTo(demo2Claim);
        String demo2 = client.pods().inNamespace(NAMESPACE).withName("demo-2").get().getStatus().getPodIP();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ids(client, demo2)).contains(1L, 2L, -4L, -6L));
    }

    private static void scale(KubernetesClient client, int instances) {
        client.genericKubernetesResources("pgset.io/v1alpha1", "PostgresCluster").inNamespace(NAMESPACE)
                .withName(CLUSTER).patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"instances\":" + instances + "}}");
    }

    @Test
    @Order(7)
    void aParameterChangeIsLiveOnEveryPodBeforeTheKubeletUpdatesTheMountedSpec(KubeletEnvironment environment)
            throws Exception {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the cluster the scenario before left Ready").isTrue();
        long start = System.nanoTime();
        client.genericKubernetesResources("pgset.io/v1alpha1", "PostgresCluster").inNamespace(NAMESPACE).withName(CLUSTER)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"postgres\":{\"parameters\":{\"work_mem\":\"7MB\"}}}}");
        // The process kubelet, like a real one, writes a changed ConfigMap into the pods' volumes only
        // every minute: within half of that, only the operator's hand-over can have brought it.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            for (Pod pod : pods(client)) {
                try (Connection c = connect(client, pod.getStatus().getPodIP()); Statement sql = c.createStatement()) {
                    if (!"7MB".equals(queryString(sql, "SHOW work_mem"))) {
                        return false;
                    }
                }
            }
            return true;
        });
        System.out.printf("parameter changed: live on every pod in %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
        awaitClusterReady(environment, 3); // the status says so once every instance reports the new spec
    }

    @Test
    @Order(8)
    void aTemplateChangeRollsTheReplicasHighestFirstThenSwitchesOverAndRollsTheOldPrimary(
            KubeletEnvironment environment) throws Exception {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the cluster the scenario before left Ready").isTrue();
        String primary = (String) status(client).get("primary");
        Map<String, String> before = uidsByName(pods(client));
        Map<String, Long> replaced = new java.util.concurrent.ConcurrentHashMap<>();

        long start = System.nanoTime();
        client.genericKubernetesResources("pgset.io/v1alpha1", "PostgresCluster").inNamespace(NAMESPACE).withName(CLUSTER)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"resources\":{\"limits\":{\"memory\":\"640Mi\"}}}}");
        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Pod> pods = pods(client);
            pods.stream().filter(p -> !p.getMetadata().getUid().equals(before.get(p.getMetadata().getName())))
                    .forEach(p -> replaced.putIfAbsent(p.getMetadata().getName(), System.nanoTime()));
            return replaced.size() == 3 && clusterReady(client, 3) && pods.stream().allMatch(p -> "640Mi".equals(
                    p.getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString()));
        });
        String newPrimary = (String) status(client).get("primary");
        System.out.printf("template changed: rolled in %d ms, primary %s -> %s%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis(), primary, newPrimary);

        List<String> replicasHighestFirst = before.keySet().stream().filter(n -> !n.equals(primary))
                .sorted(java.util.Comparator.reverseOrder()).toList();
        assertThat(replaced.get(replicasHighestFirst.get(0))).as("%s rolled before %s", replicasHighestFirst.get(0),
                replicasHighestFirst.get(1)).isLessThanOrEqualTo(replaced.get(replicasHighestFirst.get(1)));
        assertThat(replaced.get(replicasHighestFirst.get(1))).as("the replicas rolled before the primary %s", primary)
                .isLessThanOrEqualTo(replaced.get(primary));
        assertThat(newPrimary).as("switched over before the old primary was rolled").isNotEqualTo(primary);
        assertThat(ids(client, addresses(client, CLUSTER + "-rw").get(0))).contains(1L, 2L, -4L, -6L);
    }

    @Test
    @Order(9)
    void anApplicationPodInTheNamespaceWritesThroughRwAsTheAppRoleOverTls(KubeletEnvironment environment)
            throws Exception {
        KubernetesClient client = environment.client();
        assertThat(clusterReady(client, 3)).as("the scenario before left the cluster Ready").isTrue();
        // network.allow is left out: every pod of the namespace may connect, and the NetworkPolicy says so.
        var policy = client.network().v1().networkPolicies().inNamespace(NAMESPACE).withName(CLUSTER).get();
        assertThat(policy.getMetadata().getAnnotations()).containsKey("pgset.io/clients");
        assertThat(policy.getSpec().getIngress()).anySatisfy(rule -> assertThat(rule.getFrom()).singleElement()
                .satisfies(peer -> {
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getNamespaceSelector()).isNull();
                    assertThat(peer.getPodSelector().getMatchLabels()).as("every pod of the namespace").isNullOrEmpty();
                }));

        // No kube-proxy here: the pod is given the address -rw's EndpointSlice names, as a ClusterIP would route.
        String rw = addresses(client, CLUSTER + "-rw").get(0);
        Pod app = new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("app").withNamespace(NAMESPACE).addToLabels("app", "e2e").endMetadata()
                .withNewSpec().withAutomountServiceAccountToken(false)
                .addNewContainer().withName("app").withImage(KubeletEnvironment.IMAGE)
                .withCommand("sh", "-c", "until psql -v ON_ERROR_STOP=1 -c 'CREATE TABLE app_pod AS SELECT current_user AS who,"
                        + " host(inet_client_addr()) AS addr, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls';"
                        + " do sleep 1; done; exec sleep 3600")
                .addNewEnv().withName("PGHOST").withValue(rw).endEnv()
                .addNewEnv().withName("PGDATABASE").withValue("app").endEnv()
                .addNewEnv().withName("PGSSLMODE").withValue("require").endEnv()
                .addNewEnv().withName("PGCONNECT_TIMEOUT").withValue("5").endEnv()
                .addNewEnv().withName("PGUSER").withNewValueFrom().withNewSecretKeyRef("username", CLUSTER + "-app", false)
                        .endValueFrom().endEnv()
                .addNewEnv().withName("PGPASSWORD").withNewValueFrom().withNewSecretKeyRef("password", CLUSTER + "-app", false)
                        .endValueFrom().endEnv()
                .endContainer().endSpec().build();
        client.resource(app).create();
        try {
            Pod running = await().atMost(Duration.ofSeconds(60)).until(
                    () -> client.pods().inNamespace(NAMESPACE).withName("app").get(), p -> p != null && ready(p));
            try (Connection rwSession = connect(client, rw); Statement sql = rwSession.createStatement()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> queryString(sql,
                        "SELECT count(*)::text FROM pg_tables WHERE tablename = 'app_pod'").equals("1"));
                try (ResultSet row = sql.executeQuery("SELECT who, addr, tls FROM app_pod")) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString("who")).isEqualTo("app");
                    assertThat(row.getString("addr")).as("the application pod's own address").isEqualTo(running.getStatus().getPodIP());
                    assertThat(row.getBoolean("tls")).isTrue();
                }
            }
        } finally {
            client.resource(app).withGracePeriod(0).delete();
        }
    }

    @Test
    @Order(10)
    void deletingTheClusterCollectsWhatItOwnsAndKeepsTheClaims(KubeletEnvironment environment) {
        KubernetesClient client = environment.client();
        GenericKubernetesResource cluster = client.genericKubernetesResources("pgset.io/v1alpha1", "PostgresCluster")
                .inNamespace(NAMESPACE).withName(CLUSTER).get();

        long start = System.nanoTime();
        client.resource(cluster).delete();
        await().atMost(READY).until(() -> pods(client).isEmpty()
                && client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems().isEmpty()
                && client.services().inNamespace(NAMESPACE).list().getItems().isEmpty()
                && client.serviceAccounts().inNamespace(NAMESPACE).withName(CLUSTER + "-instance").get() == null
                && client.configMaps().inNamespace(NAMESPACE).withLabel("pgset.io/cluster", CLUSTER).list().getItems().isEmpty());
        System.out.printf("cluster deleted: its objects and pods were collected after %d ms%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis());

        // storage.retainOnDelete (default true): the claims, the data in them, and the Secrets with the
        // passwords that data was made with, stay.
        assertThat(client.secrets().inNamespace(NAMESPACE).withLabel("pgset.io/cluster", CLUSTER).list().getItems())
                .extracting(c -> c.getMetadata().getName()).contains(CLUSTER + "-superuser", CLUSTER + "-replication");
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("data-demo-0", "data-demo-1", "data-demo-2", "data-demo-3", "data-demo-4");
        assertThat(environment.kubelet().claimDirectory(NAMESPACE, "data-demo-0").resolve("pgdata")
                .resolve("global").resolve("pg_control")).exists();
    }
}
