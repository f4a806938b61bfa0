package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.model.StorageLevel;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.api.PodVolumeStatus;
import io.pgset.kubernetes.api.PostgresClusterSpec;
import io.pgset.kubernetes.api.PostgresClusterStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator against the fabric8 mock API server (CRUD mode), with {@link FakeKubelet} playing
 * the StatefulSet controller and kubelet, and {@link FakeInstances} the instance managers in the
 * pods. Each test has its own namespace.
 */
@ExtendWith(ApplyingMockServer.class)
class OperatorIT {

    static KubernetesClient client;
    private static final long MI = 1L << 20;
    private static PgsetOperator operator;
    private static final Map<String, FakeInstances> INSTANCES = new ConcurrentHashMap<>();
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private final String ns = "test-" + NAMESPACES.incrementAndGet();
    private FakeKubelet kubelet;

    @BeforeAll
    static void startOperator() {
        operator = new PgsetOperator(client, Set.of(), ManifestRenderer.DEFAULT_IMAGE,
                cluster -> INSTANCES.get(cluster.getMetadata().getNamespace()));
        operator.start();
    }

    @AfterAll
    static void stopOperator() {
        operator.close();
    }

    @AfterEach
    void stopKubelet() {
        if (kubelet != null) {
            kubelet.close();
        }
    }

    @Test
    void newClusterGetsEveryObjectGrowsOneOrdinalAtATimeAndReportsItsVolumes() {
        start(3);
        PostgresClusterStatus status = awaitHealthy(3);
        assertThat(status.primary).isEqualTo("demo-0");
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "SpecInvalid").getStatus()).isEqualTo("False");
        assertThat(status.conditions).extracting(Condition::getType)
                .containsExactly("Ready", "Progressing", "Degraded", "SpecInvalid", "StorageFull", "StorageNearlyFull",
                        "ArchivingFailing");

        assertThat(client.secrets().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName())
                .contains("demo-superuser", "demo-app", "demo-replication");
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).extracting(c -> c.getMetadata().getName())
                .contains("demo-init", "demo-spec");
        assertThat(client.services().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("demo", "demo-rw", "demo-ro", "demo-r");
        assertThat(client.apps().statefulSets().inNamespace(ns).withName("demo").get().getSpec().getReplicas()).isEqualTo(3);
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("demo").get()).isNotNull();
        assertThat(client.network().v1().networkPolicies().inNamespace(ns).withName("demo").get()).isNotNull();
        // The spec leaves network.allow out: the operator says who may connect instead.
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .filteredOn(e -> "NamespaceClients".equals(e.getReason())).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).startsWith("postgres admits every pod in namespace " + ns));
        // Owned by the cluster, so that deleting it removes them.
        assertThat(client.apps().statefulSets().inNamespace(ns).withName("demo").get().getMetadata().getOwnerReferences())
                .singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("PostgresCluster"));

        // The StatefulSet is made with no replicas (the kubelet may or may not see it so), then grows by one.
        assertThat(events("replicas", "create")).filteredOn(e -> !e.equals("replicas 0")).containsExactly(
                "replicas 1", "create demo-0", "replicas 2", "create demo-1", "replicas 3", "create demo-2");
        assertThat(selected("demo-rw")).containsExactly("demo-0");
        assertThat(selected("demo-ro")).containsExactlyInAnyOrder("demo-1", "demo-2");

        volumesAreMeasuredAgainstTheirClaimsAndEachCrossingIsOneEvent();
    }

    @Test
    void scaleUpAndDownMovesOneOrdinalAtATimeInOrderAndParallelAsksForEveryMissingOneAtOnce() {
        start(3);
        awaitHealthy(3);
        timeline.clear();
        edit(spec -> spec.instances = 5);
        awaitHealthy(5);
        assertThat(events("replicas", "create", "delete")).containsExactly("replicas 4", "create demo-3",
                "replicas 5", "create demo-4");

        timeline.clear();
        edit(spec -> spec.instances = 2);
        awaitHealthy(2);
        assertThat(events("replicas", "create", "delete")).containsExactly("replicas 4", "delete demo-4",
                "replicas 3", "delete demo-3", "replicas 2", "delete demo-2");
        assertThat(selected("demo-rw")).containsExactly("demo-0");
        assertThat(selected("demo-ro")).containsExactly("demo-1");

        // Parallel: one pass asks for both missing ordinals, before either pod exists (OrderedReady
        // would wait for demo-2 to be Ready, and so stay at 3 while the node starts nothing).
        timeline.clear();
        kubelet.hold(true);
        edit(spec -> {
            spec.instances = 4;
            spec.podManagementPolicy = PostgresClusterSpec.PodManagementPolicy.Parallel;
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                client.apps().statefulSets().inNamespace(ns).withName("demo").get().getSpec().getReplicas() == 4);
        assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(2);
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .filteredOn(e -> "Create".equals(e.getReason())).extracting(e -> e.getMessage())
                .anySatisfy(m -> assertThat(m).contains("create demo-2", "Parallel"))
                .anySatisfy(m -> assertThat(m).contains("create demo-3", "Parallel"));
        kubelet.hold(false);
        awaitHealthy(4);
        assertThat(events("create")).containsExactlyInAnyOrder("create demo-2", "create demo-3");
    }

    @Test
    void deletedPrimaryPodIsReplacedByThePromotedReplicaAndRwFollows() {
        start(3);
        awaitHealthy(3);
        // The node takes its time: the operator fails over meanwhile, once the deleted pod's instance
        // has surely stopped itself if it still ran somewhere (17 s).
        kubelet.recreateAfter(Duration.ofSeconds(30));
        timeline.clear();
        client.pods().inNamespace(ns).withName("demo-0").delete();

        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            assertThat(timeline).anyMatch(e -> e.startsWith("promote "));
            String primary = status().primary;
            assertThat(primary).isNotNull().isNotEqualTo("demo-0");
            assertThat(selected("demo-rw")).containsExactly(primary);
        });
        String promoted = status().primary;
        assertThat(timeline).filteredOn(e -> e.startsWith("promote ")).containsExactly("promote " + promoted);
        // The old primary comes back as a replica of the new one.
        PostgresClusterStatus healthy = awaitHealthy(3);
        assertThat(healthy.primary).isEqualTo(promoted);
        assertThat(selected("demo-rw")).containsExactly(promoted);
        assertThat(selected("demo-ro")).contains("demo-0").doesNotContain(promoted);
        String labels = "{cluster=\"demo\",namespace=\"" + ns + "\"}";
        assertThat(metrics()).contains("pgset_failovers_total" + labels + " 1.0", "pgset_switchovers_total" + labels + " 0.0",
                "pgset_instances_wanted" + labels + " 3.0", "pgset_instances_ready" + labels + " 3.0",
                "pgset_primary_ready" + labels + " 1.0")
                .containsPattern("pgset_last_failover_duration_seconds\\{cluster=\"demo\",namespace=\"" + ns + "\"\\} [1-9]");

        // What the operator did is told as Events on the PostgresCluster (kubectl describe pgc demo).
        List<io.fabric8.kubernetes.api.model.Event> told = client.v1().events().inNamespace(ns).list().getItems();
        assertThat(told).allSatisfy(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("PostgresCluster");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("demo");
            assertThat(e.getSource().getComponent()).isEqualTo("pgset-operator");
        });
        assertThat(told).extracting(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
                .anySatisfy(e -> assertThat(e).startsWith("Normal Promote: promote " + promoted + ": "))
                .anySatisfy(e -> assertThat(e).startsWith("Normal PrimaryChanged: primary is " + promoted))
                .anySatisfy(e -> assertThat(e).startsWith("Normal Create: create demo-2: "));
    }

    /**
     * As a kubelet ends a deleted pod: it reports the containers terminated (and, since Kubernetes
     * 1.27, the phase terminal), then removes the object. That proves the old primary stopped, so
     * the operator promotes at once instead of waiting out the isolation window.
     */
    @Test
    void primaryPodRemovedAfterItsContainersStoppedIsReplacedWithoutWaiting() {
        healthyPairOnASlowNode();

        long stopped = System.nanoTime();
        client.pods().inNamespace(ns).withName("demo-0").editStatus(p -> {
            p.getStatus().setPhase("Failed");
            p.getStatus().setContainerStatuses(p.getSpec().getContainers().stream()
                    .map(c -> new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName(c.getName())
                            .withContainerID("containerd://" + c.getName()).withNewState().withNewTerminated()
                            .withExitCode(0).withReason("Completed").endTerminated().endState().build())
                    .toList());
            return p;
        });
        long removed = System.nanoTime();
        client.pods().inNamespace(ns).withName("demo-0").delete();

        long promoted = awaitPromotion(io.pgset.kubernetes.pod.PodInstance.SELF_FENCE_WITHIN); // well before 17 s
        System.out.printf("proven stopped: promote %d ms after the kubelet reported the containers terminated,"
                + " %d ms after the pod's removal%n", (promoted - stopped) / 1_000_000, (promoted - removed) / 1_000_000);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events("deleted", "promote"))
                .containsExactlyInAnyOrder("deleted demo-0", "promote " + status().primary));
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .noneMatch(e -> String.valueOf(e.getMessage()).contains("failing over after"));
    }

    /**
     * A primary whose instance stops answering while its pod runs may still take writes: the
     * operator waits until it has surely stopped itself (17 s), then fences and promotes.
     */
    @Test
    void unreachablePrimaryInARunningPodIsReplacedOnlyAfterTheIsolationWindow() {
        healthyPairOnASlowNode();

        long cut = System.nanoTime();
        INSTANCES.get(ns).cutOff("demo-0");

        Duration waited = Duration.ofNanos(awaitPromotion(Duration.ofSeconds(45)) - cut);
        System.out.printf("unreachable, pod running: promote %d ms after the instance stopped answering%n",
                waited.toMillis());
        assertThat(waited).isGreaterThanOrEqualTo(io.pgset.kubernetes.pod.PodInstance.SELF_FENCE_WITHIN);
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anyMatch(e -> String.valueOf(e.getMessage()).contains("demo-0 is not ready; failing over after 17 s"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events("deleted", "promote"))
                .containsExactlyInAnyOrder("deleted demo-0", "promote " + status().primary));
    }

    @Test
    void templateChangeDeletesReplicasHighestFirstThenSwitchesOverAndThePrimaryLast() {
        start(3);
        awaitHealthy(3);
        timeline.clear();
        edit(spec -> {
            spec.resources = new PostgresClusterSpec.Resources();
            spec.resources.limits = Map.of("memory", "2Gi");
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(timeline).contains("deleted demo-0");
            assertThat(status().phase).isEqualTo("Healthy");
            assertThat(status().readyInstances).isEqualTo(3);
        });
        List<String> steps = events("deleted", "demote", "promote");
        assertThat(steps).hasSize(5);
        assertThat(steps.subList(0, 2)).containsExactly("deleted demo-2", "deleted demo-1");
        assertThat(steps.get(2)).startsWith("demote demo-0 -> ");
        assertThat(steps.get(3)).isEqualTo("promote " + steps.get(2).substring("demote demo-0 -> ".length()));
        assertThat(steps.get(4)).isEqualTo("deleted demo-0");
        assertThat(metrics()).as("a switchover, and no failover")
                .contains("pgset_switchovers_total{cluster=\"demo\",namespace=\"" + ns + "\"} 1.0",
                        "pgset_failovers_total{cluster=\"demo\",namespace=\"" + ns + "\"} 0.0");
        // Every pod now runs the new template.
        String wanted = client.apps().statefulSets().inNamespace(ns).withName("demo").get().getStatus().getUpdateRevision();
        assertThat(client.pods().inNamespace(ns).list().getItems())
                .allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry(KubernetesRuntime.REVISION_LABEL, wanted));
    }

    @Test
    void invalidSpecSaysWhyAndCreatesNothing() {
        kubelet = new FakeKubelet(client, ns, timeline);
        INSTANCES.put(ns, new FakeInstances(client, ns, "demo", timeline));
        PostgresClusterSpec spec = new PostgresClusterSpec();
        spec.instances = 0; // the mock applies no schema; the operator's own checks must catch it
        spec.network = new PostgresClusterSpec.Network();
        spec.network.allow = List.of("10.0.0.0/33");
        client.resources(PostgresCluster.class).inNamespace(ns).resource(new PostgresCluster("demo", spec)).create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status()).isNotNull());
        PostgresClusterStatus status = status();
        assertThat(status.phase).isEqualTo("Degraded");
        assertThat(condition(status, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
        Condition invalid = condition(status, "SpecInvalid");
        assertThat(invalid.getStatus()).isEqualTo("True");
        assertThat(invalid.getMessage()).contains("spec.instances").contains("spec.network.allow");
        assertThat(client.apps().statefulSets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void backupGetsItsOwnClaimThatOutlivesTheClusterMountedInEveryPodWithTheS3Keys() {
        kubelet = new FakeKubelet(client, ns, timeline);
        INSTANCES.put(ns, new FakeInstances(client, ns, "demo", timeline));
        create("demo", """
                instances: 2
                storage: {size: 3Gi}
                backup:
                  repositories:
                    - {name: local}
                    - {name: offsite, type: s3, endpoint: s3.example.com, bucket: demo-b, region: r1,
                       credentials: {secretName: demo-s3}}
                """);
        awaitHealthy(2);

        assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems())
                .filteredOn(c -> c.getMetadata().getName().endsWith("-backups")).singleElement().satisfies(c -> {
                    assertThat(c.getMetadata().getName()).isEqualTo("demo-backups");
                    assertThat(c.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
                    assertThat(c.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("6Gi");
                    // Not owned by the cluster: deleting it leaves the backups to restore it from.
                    assertThat(c.getMetadata().getOwnerReferences()).isEmpty();
                });
        var pod = client.apps().statefulSets().inNamespace(ns).withName("demo").get().getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).extracting(v -> v.getName() + ":" + (v.getPersistentVolumeClaim() != null
                        ? v.getPersistentVolumeClaim().getClaimName() : v.getSecret() != null ? v.getSecret().getSecretName() : ""))
                .contains("backups:demo-backups", "s3-credentials-0:demo-s3")
                .noneMatch(v -> v.startsWith("source-backups"));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath())
                .contains("backups /var/lib/pgset-backups", "s3-credentials-0 /etc/pgset/s3/offsite");
    }

    @Test
    void aBackupsClaimMadeBeforeTheClusterIsKeptAsItIs() {
        INSTANCES.put(ns, new FakeInstances(client, ns, "demo", timeline));
        client.persistentVolumeClaims().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("demo-backups").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("fast")
                .withNewResources().addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("50Gi"))
                .endResources().endSpec().build()).create();
        create("demo", "instances: 1\nbackup: {}\n");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.apps().statefulSets().inNamespace(ns).withName("demo").get() != null);
        var claim = client.persistentVolumeClaims().inNamespace(ns).withName("demo-backups").get();
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("50Gi");
        assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void aRecoveredClusterMountsTheSourceClaimOnlyWhenTheSourceRepositoryIsOnIt() {
        INSTANCES.put(ns, new FakeInstances(client, ns, "demo", timeline));
        create("shop", """
                instances: 1
                backup:
                  repositories:
                    - {name: local}
                    - {name: offsite, type: s3, endpoint: s3.example.com, bucket: shop-b, region: r1,
                       credentials: {secretName: shop-s3}}
                """);
        create("fresh", "instances: 1\nbootstrap: {recovery: {source: {cluster: shop}, target: {immediate: true}}}\n");
        create("fresh-s3", "instances: 1\nbootstrap: {recovery: {source: {cluster: shop, repository: offsite}}}\n");
        create("after-gone", "instances: 1\nbootstrap: {recovery: {source: {cluster: deleted-long-ago}}}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().statefulSets().inNamespace(ns).list()
                .getItems().size() == 4);

        assertThat(sourceClaim("fresh")).contains("shop-backups");
        assertThat(sourceClaim("fresh-s3")).isEmpty();
        assertThat(sourceClaim("after-gone")).contains("deleted-long-ago-backups");
        // A recovered cluster archives elsewhere: it makes no claim of its own without spec.backup.
        assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems())
                .extracting(c -> c.getMetadata().getName()).containsExactly("shop-backups");
        var role = client.rbac().roles().inNamespace(ns).withName("fresh-instance").get();
        assertThat(role.getRules()).anySatisfy(r -> {
            assertThat(r.getResources()).containsExactly("postgresclusters");
            assertThat(r.getResourceNames()).containsExactly("shop");
            assertThat(r.getVerbs()).containsExactly("get");
        });
    }

    /** The claim the pods of a cluster mount read-only as the recovery source's, if any. */
    private java.util.Optional<String> sourceClaim(String cluster) {
        var pod = client.apps().statefulSets().inNamespace(ns).withName(cluster).get().getSpec().getTemplate().getSpec();
        java.util.Optional<String> claim = pod.getVolumes().stream().filter(v -> v.getName().equals("source-backups"))
                .map(v -> {
                    assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
                    return v.getPersistentVolumeClaim().getClaimName();
                }).findFirst();
        assertThat(pod.getContainers().get(0).getVolumeMounts().stream()
                .anyMatch(m -> m.getName().equals("source-backups") && Boolean.TRUE.equals(m.getReadOnly())))
                .isEqualTo(claim.isPresent());
        return claim;
    }

    /**
     * Each pod's volume is measured against its claim (bound: its capacity; else its request) and
     * shown in status; crossing the alert, reaching the capacity and coming back are each one
     * Event, however many passes see them, and a restarted operator does not tell again what the
     * status it published shows. (On the cluster of the test above: a cluster costs seconds.)
     */
    private void volumesAreMeasuredAgainstTheirClaimsAndEachCrossingIsOneEvent() {
        FakeInstances instances = INSTANCES.get(ns);
        instances.volumeUse("demo-0", 100 * MI);
        instances.volumeUse("demo-1", 100 * MI);
        // demo-1's claim is bound to a larger volume than it asked for; demo-0's counts with what it
        // requests (1Gi) while it is not bound; demo-2 has not measured yet.
        client.persistentVolumeClaims().inNamespace(ns).withName("data-demo-1").editStatus(c -> {
            c.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
                    .addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity("2Gi")).build());
            return c;
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().pods).containsExactly(
                new PodVolumeStatus("demo-0", "data-demo-0", 100 * MI, 1024 * MI, 9, StorageLevel.OK),
                new PodVolumeStatus("demo-1", "data-demo-1", 100 * MI, 2048 * MI, 4, StorageLevel.OK),
                new PodVolumeStatus("demo-2", "data-demo-2", null, null, null, StorageLevel.UNKNOWN)));
        instances.volumeUse("demo-1", 1800 * MI); // past 1Gi, but 87% of its 2Gi claim

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().pods.get(1)).isEqualTo(
                new PodVolumeStatus("demo-1", "data-demo-1", 1800 * MI, 2048 * MI, 87, StorageLevel.NEARLY_FULL)));
        PostgresClusterStatus nearlyFull = status();
        assertThat(nearlyFull.storage).isEqualTo("87% demo-1");
        assertThat(condition(nearlyFull, "StorageNearlyFull").getStatus()).isEqualTo("True");
        assertThat(condition(nearlyFull, "StorageFull").getStatus()).isEqualTo("False");
        passesLater(instances, 14);
        assertThat(storageEvents()).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("StorageNearlyFull");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("PostgresCluster");
            assertThat(e.getMessage()).startsWith("demo-1 volume 1.8 GiB of 2.0 GiB (87%), alert at 80%");
        });

        // A new operator process reads the levels back from the status, and tells nothing again.
        operator.close();
        operator = new PgsetOperator(client, Set.of(), ManifestRenderer.DEFAULT_IMAGE,
                cluster -> INSTANCES.get(cluster.getMetadata().getNamespace()));
        operator.start();
        passesLater(instances, 19);
        assertThat(storageEvents()).hasSize(1);

        instances.volumeUse("demo-1", 2048 * MI);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(status().pods.get(1).level()).isEqualTo(StorageLevel.FULL);
            assertThat(condition(status(), "StorageFull").getStatus()).isEqualTo("True");
            assertThat(status().storage).isEqualTo("100% demo-1");
        });
        instances.volumeUse("demo-1", 100 * MI);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(status().pods.get(1).level()).isEqualTo(StorageLevel.OK);
            assertThat(condition(status(), "StorageNearlyFull").getStatus()).isEqualTo("False");
        });
        passesLater(instances, 24);
        assertThat(storageEvents()).extracting(io.fabric8.kubernetes.api.model.Event::getReason)
                .containsExactly("StorageNearlyFull", "StorageAtCapacity", "StorageRecovered");
    }

    /**
     * Returns once the operator has made at least one whole pass since the status last seen:
     * demo-0's volume grows to that percent of its 1Gi, and the status shows it (a pass tells its
     * events before it publishes what it observed).
     */
    private void passesLater(FakeInstances instances, int percent) {
        instances.volumeUse("demo-0", (1024 * MI * percent + 1024 * MI / 2) / 100);
        await().atMost(Duration.ofSeconds(30)).until(() -> status().pods.get(0).percentUsed() == percent);
    }

    /** The storage Events on the cluster, oldest first. */
    private List<io.fabric8.kubernetes.api.model.Event> storageEvents() {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> e.getReason() != null && e.getReason().startsWith("Storage"))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getName()))
                .toList();
    }

    /** Two healthy instances; a deleted pod comes back only after 30 s (a node that takes its time). */
    private void healthyPairOnASlowNode() {
        start(2);
        awaitHealthy(2);
        kubelet.recreateAfter(Duration.ofSeconds(30));
        timeline.clear();
    }

    /** Waits for the operator to promote an instance; when it saw that, on {@link System#nanoTime()}. */
    private long awaitPromotion(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> timeline.stream().anyMatch(e -> e.startsWith("promote ")));
        return System.nanoTime();
    }

    /** The operator's metrics as its metrics port serves them. */
    private static String metrics() {
        return new String(operator.metrics().scrape(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A PostgresCluster from the YAML of its spec, as a user would apply it. */
    private void create(String name, String specYaml) {
        PostgresCluster cluster = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: " + name + "}\nspec:\n"
                        + specYaml.indent(2), PostgresCluster.class);
        client.resources(PostgresCluster.class).inNamespace(ns).resource(cluster).create();
    }

    private void start(int instances) {
        kubelet = new FakeKubelet(client, ns, timeline);
        INSTANCES.put(ns, new FakeInstances(client, ns, "demo", timeline));
        PostgresClusterSpec spec = new PostgresClusterSpec();
        spec.instances = instances;
        client.resources(PostgresCluster.class).inNamespace(ns).resource(new PostgresCluster("demo", spec)).create();
    }

    private void edit(java.util.function.Consumer<PostgresClusterSpec> change) {
        client.resources(PostgresCluster.class).inNamespace(ns).withName("demo").edit(c -> {
            change.accept(c.getSpec());
            c.getMetadata().setGeneration(c.getMetadata().getGeneration() == null ? 2 : c.getMetadata().getGeneration() + 1);
            return c;
        });
    }

    private PostgresClusterStatus status() {
        PostgresCluster c = client.resources(PostgresCluster.class).inNamespace(ns).withName("demo").get();
        return c == null ? null : c.getStatus();
    }

    private PostgresClusterStatus awaitHealthy(int instances) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            PostgresClusterStatus s = status();
            assertThat(s).isNotNull();
            assertThat(s.phase).as("phase; message: %s", s.message).isEqualTo("Healthy");
            assertThat(s.instances).isEqualTo(instances);
            assertThat(s.readyInstances).isEqualTo(instances);
            assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(instances);
            assertThat(selected("demo-rw")).containsExactly(s.primary);
            assertThat(selected("demo-ro")).hasSize(instances - 1);
        });
        return status();
    }

    /** The pods a Service's selector matches now (what its endpoints would be). */
    private List<String> selected(String service) {
        Service s = client.services().inNamespace(ns).withName(service).get();
        return client.pods().inNamespace(ns).withLabels(s.getSpec().getSelector()).list().getItems().stream()
                .map(Pod::getMetadata).map(m -> m.getName()).sorted().toList();
    }

    private List<String> events(String... kinds) {
        synchronized (timeline) {
            return timeline.stream().filter(e -> java.util.Arrays.stream(kinds).anyMatch(k -> e.startsWith(k + " ")))
                    .toList();
        }
    }

    private static Condition condition(PostgresClusterStatus status, String type) {
        return status.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }
}
