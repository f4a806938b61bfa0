package io.pgset.kubernetes.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.StorageLevel;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.api.PodVolumeStatus;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.api.PostgresClusterSpec;
import io.pgset.kubernetes.api.PostgresClusterStatus;
import io.pgset.kubernetes.operator.ClusterObjects;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ClusterObjects} against a real API server: server-side apply under pgset's field
 * manager changes nothing when nothing differs, keeps what the API server and other managers
 * own, follows a spec change (removing what pgset no longer renders), and never replaces a Secret;
 * and the CRD installed takes the status the operator publishes.
 */
@ExtendWith(ControlPlaneExtension.class)
class ServerSideApplyE2E {

    private static final Path CRD = Path.of("..", "deploy", "crds", "postgresclusters.pgset.io-v1.yml");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SPEC = """
            apiVersion: pgset.io/v1alpha1
            kind: PostgresCluster
            metadata: {name: demo}
            spec:
              instances: 3
              resources: {limits: {cpu: "2", memory: 1Gi}}
              disruption: {maxUnavailable: 1}
            """;

    @BeforeAll
    static void installTheCrd(KubernetesClient client) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
        await().atMost(WAIT).until(() -> ControlPlaneE2E.established(client, crd.getMetadata().getName()));
    }

    /**
     * The operator writes status with a merge patch: the API server checks it against the CRD's
     * schema (a value outside an enum is refused) and prunes what the schema does not name, so
     * what is read back equal was taken whole.
     */
    @Test
    void theStatusTakesEachPodsVolumeAsTheOperatorPublishesIt(KubernetesClient client) {
        String namespace = ControlPlaneE2E.newNamespace(client);
        PostgresClusterSpec spec = new PostgresClusterSpec();
        spec.instances = 2;
        PostgresCluster cluster = client.resources(PostgresCluster.class).inNamespace(namespace)
                .resource(new PostgresCluster("demo", spec)).create();
        PostgresClusterStatus status = new PostgresClusterStatus();
        status.phase = "Healthy";
        status.storage = "87% demo-1";
        status.pods = List.of(
                new PodVolumeStatus("demo-0", "data-demo-0", null, null, null, StorageLevel.UNKNOWN),
                new PodVolumeStatus("demo-1", "data-demo-1", 1800L << 20, 2048L << 20, 87, StorageLevel.NEARLY_FULL));
        cluster.setStatus(status);

        client.resources(PostgresCluster.class).inNamespace(namespace).resource(cluster).patchStatus();

        PostgresClusterStatus read = client.resources(PostgresCluster.class).inNamespace(namespace).withName("demo")
                .get().getStatus();
        assertThat(read.pods).isEqualTo(status.pods);
        assertThat(read.storage).isEqualTo("87% demo-1");
    }

    @Test
    void applyingTwiceChangesNothing(KubernetesClient client) {
        Applied cluster = Applied.first(client, SPEC);
        String namespace = cluster.namespace();
        assertThat(cluster.created()).hasSize(17);
        awaitStatefulSetObserved(client, namespace);
        Map<String, String> before = resourceVersions(client, namespace);
        List<String> changed = cluster.apply(SpecReader.read(SPEC));

        assertThat(changed).isEmpty();
        assertThat(resourceVersions(client, namespace)).isEqualTo(before);
    }

    @Test
    void reconcileKeepsWhatOthersOwnAndFollowsASpecChange(KubernetesClient client) {
        Applied cluster = Applied.first(client, SPEC);
        String namespace = cluster.namespace();
        Service rw = client.services().inNamespace(namespace).withName("demo-rw").get();
        assertThat(rw.getSpec().getClusterIP()).as("allocated by the API server").isNotBlank().isNotEqualTo("None");
        Secret password = client.secrets().inNamespace(namespace).withName("demo-app").get();
        // Other managers: a controller annotates the StatefulSet; the runtime scales it.
        client.resource(new StatefulSetBuilder().withNewMetadata().withName("demo").withNamespace(namespace)
                        .addToAnnotations("example.com/backup-window", "02:00").endMetadata().build())
                .fieldManager("someone-else").serverSideApply();
        client.apps().statefulSets().inNamespace(namespace).withName("demo").scale(2);
        // Someone edits a field pgset renders.
        client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName("demo")
                .edit(p -> {
                    p.getSpec().setMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(3));
                    return p;
                });

        ClusterSpec changed = SpecReader.read(SPEC.replace("limits: {cpu: \"2\", memory: 1Gi}", "limits: {memory: 2Gi}"));
        List<String> applied = cluster.apply(changed);

        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName("demo").get();
        System.out.println("changed by the spec change: " + applied);
        assertThat(applied).contains("StatefulSet demo", "ConfigMap demo-spec", "PodDisruptionBudget demo")
                .doesNotContain("Secret demo-app", "Service demo-rw");
        assertThat(set.getMetadata().getAnnotations()).containsEntry("example.com/backup-window", "02:00");
        assertThat(set.getSpec().getReplicas()).as("the runtime's").isEqualTo(2);
        assertThat(set.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
                .as("the cpu limit pgset no longer renders is gone").containsOnlyKeys("memory")
                .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("2Gi"));
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName("demo").get()
                .getSpec().getMaxUnavailable().getIntVal()).as("pgset's field, taken back").isEqualTo(1);
        Service rwAfter = client.services().inNamespace(namespace).withName("demo-rw").get();
        assertThat(rwAfter.getSpec().getClusterIP()).isEqualTo(rw.getSpec().getClusterIP());
        Secret passwordAfter = client.secrets().inNamespace(namespace).withName("demo-app").get();
        assertThat(passwordAfter.getMetadata().getResourceVersion()).isEqualTo(password.getMetadata().getResourceVersion());
        assertThat(passwordAfter.getData()).isEqualTo(password.getData());
    }

    @Test
    void aSecretIsNeverReplacedEvenWhenAnotherIsMissing(KubernetesClient client) {
        Applied cluster = Applied.first(client, SPEC);
        String namespace = cluster.namespace();
        Secret app = client.secrets().inNamespace(namespace).withName("demo-app").get();
        client.secrets().inNamespace(namespace).withName("demo-api").delete();
        await().atMost(WAIT).until(() -> client.secrets().inNamespace(namespace).withName("demo-api").get() == null);

        List<String> applied = cluster.apply(SpecReader.read(SPEC));

        assertThat(applied).containsExactly("Secret demo-api");
        assertThat(client.secrets().inNamespace(namespace).withName("demo-app").get().getData()).isEqualTo(app.getData());
    }

    @Test
    void placementAndALoadBalancerComeAndGoWithTheSpec(KubernetesClient client) {
        String placed = SPEC + """
                  storage: {storageClass: fast-ssd}
                  scheduling:
                    nodeSelector: {disktype: ssd}
                    tolerations: [{key: dedicated, value: db, effect: NoSchedule}]
                  services: {rw: {type: LoadBalancer}}
                  network: {allow: [203.0.113.0/24]}
                """;
        Applied cluster = Applied.first(client, placed);
        String namespace = cluster.namespace();
        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName("demo").get();
        Service rw = client.services().inNamespace(namespace).withName("demo-rw").get();
        assertThat(set.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        assertThat(set.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("disktype", "ssd");
        assertThat(set.getSpec().getTemplate().getSpec().getTolerations()).hasSize(1);
        assertThat(rw.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(rw.getSpec().getLoadBalancerSourceRanges()).containsExactly("203.0.113.0/24");

        List<String> changed = cluster.apply(SpecReader.read(SPEC));

        System.out.println("changed when placement and the load balancer went: " + changed);
        set = client.apps().statefulSets().inNamespace(namespace).withName("demo").get();
        rw = client.services().inNamespace(namespace).withName("demo-rw").get();
        assertThat(set.getSpec().getTemplate().getSpec().getNodeSelector()).isNullOrEmpty();
        assertThat(set.getSpec().getTemplate().getSpec().getTolerations()).isNullOrEmpty();
        assertThat(set.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
                .as("claim templates cannot change").isEqualTo("fast-ssd");
        assertThat(rw.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(rw.getSpec().getLoadBalancerSourceRanges()).isNullOrEmpty();
        assertThat(client.network().v1().networkPolicies().inNamespace(namespace).withName("demo").get()
                .getMetadata().getAnnotations().get("pgset.io/clients")).startsWith("every pod in namespace " + namespace);
    }

    /** As when the operator stops after VolumeResize deleted the set with its pods orphaned, before it made it again. */
    @Test
    void aStatefulSetMadeAgainWhilePodsRunAdoptsThemRatherThanDeletingThem(KubernetesClient client) {
        Applied cluster = Applied.first(client, SPEC);
        String namespace = cluster.namespace();
        var sets = client.apps().statefulSets().inNamespace(namespace);
        sets.withName("demo").scale(2); // the runtime's first two ordinals; no kubelet, so they stay Pending
        Map<String, String> uids = await().atMost(WAIT).until(() -> podUids(client, namespace), u -> u.size() == 2);
        sets.withName("demo").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        await().atMost(WAIT).until(() -> sets.withName("demo").get() == null);

        cluster.apply(SpecReader.read(SPEC));

        StatefulSet again = sets.withName("demo").get();
        assertThat(again.getSpec().getReplicas()).isEqualTo(2);
        awaitStatefulSetObserved(client, namespace);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.pods().inNamespace(namespace).list().getItems())
                .allSatisfy(pod -> assertThat(pod.getMetadata().getOwnerReferences())
                        .anySatisfy(o -> assertThat(o.getUid()).isEqualTo(again.getMetadata().getUid()))));
        assertThat(podUids(client, namespace)).as("the same pods, adopted, none deleted").isEqualTo(uids);
    }

    /** storage.retainOnDelete: false, carried out by the real StatefulSet controller and garbage collector. */
    @Test
    void withoutRetainOnDeleteTheClaimsAndSecretsGoWithTheCluster(KubernetesClient client) {
        Applied cluster = Applied.first(client, SPEC.replace("  instances: 3\n",
                "  instances: 3\n  storage: {retainOnDelete: false}\n"));
        String namespace = cluster.namespace();
        client.apps().statefulSets().inNamespace(namespace).withName("demo").scale(2);
        var claims = client.persistentVolumeClaims().inNamespace(namespace);
        // whenDeleted: Delete makes the StatefulSet controller the claims' owner.
        await().atMost(WAIT).untilAsserted(() -> assertThat(claims.list().getItems())
                .hasSize(2).allSatisfy(c -> assertThat(c.getMetadata().getOwnerReferences())
                        .anySatisfy(o -> assertThat(o.getKind()).isEqualTo("StatefulSet"))));
        assertThat(client.secrets().inNamespace(namespace).withLabel("pgset.io/cluster", "demo").list().getItems())
                .isNotEmpty();

        client.resource(cluster.owner()).delete();
        await().atMost(WAIT).until(() -> claims.list().getItems().isEmpty()
                && client.secrets().inNamespace(namespace).withLabel("pgset.io/cluster", "demo").list().getItems().isEmpty()
                && client.apps().statefulSets().inNamespace(namespace).list().getItems().isEmpty());
    }

    private static Map<String, String> podUids(KubernetesClient client, String namespace) {
        Map<String, String> uids = new LinkedHashMap<>();
        client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .forEach(pod -> uids.put(pod.getMetadata().getName(), pod.getMetadata().getUid()));
        return uids;
    }

    /** A cluster's objects applied once, as the operator does, in a namespace of their own. */
    private record Applied(String namespace, ClusterObjects objects, PostgresCluster owner, List<String> created) {

        /** @return what changed */
        List<String> apply(ClusterSpec spec) {
            return objects.apply(owner, spec);
        }

        static Applied first(KubernetesClient client, String spec) {
            String namespace = ControlPlaneE2E.newNamespace(client);
            ClusterObjects objects = new ClusterObjects(client, ManifestRenderer.DEFAULT_IMAGE, new SecureRandom(),
                    Clock.systemUTC());
            // A real owner: with a made-up one the garbage collector would delete every object.
            PostgresClusterSpec owned = new PostgresClusterSpec();
            owned.instances = 3;
            PostgresCluster owner = client.resources(PostgresCluster.class).inNamespace(namespace)
                    .resource(new PostgresCluster("demo", owned)).create();
            return new Applied(namespace, objects, owner, objects.apply(owner, SpecReader.read(spec)));
        }
    }

    /** The StatefulSet controller writes the set's status once it has seen it; after that, it is quiet. */
    private static void awaitStatefulSetObserved(KubernetesClient client, String namespace) {
        await().atMost(WAIT).until(() -> {
            StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName("demo").get();
            return set.getStatus() != null && set.getMetadata().getGeneration().equals(set.getStatus().getObservedGeneration());
        });
    }

    private static Map<String, String> resourceVersions(KubernetesClient client, String namespace) {
        Map<String, String> versions = new LinkedHashMap<>();
        List<List<? extends HasMetadata>> kinds = List.of(
                client.secrets().inNamespace(namespace).list().getItems(),
                client.serviceAccounts().inNamespace(namespace).list().getItems(),
                client.rbac().roles().inNamespace(namespace).list().getItems(),
                client.rbac().roleBindings().inNamespace(namespace).list().getItems(),
                client.configMaps().inNamespace(namespace).list().getItems(),
                client.services().inNamespace(namespace).list().getItems(),
                client.apps().statefulSets().inNamespace(namespace).list().getItems(),
                client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems(),
                client.network().v1().networkPolicies().inNamespace(namespace).list().getItems());
        kinds.forEach(items -> items.forEach(o -> versions.put(o.getKind() + " " + o.getMetadata().getName(),
                o.getMetadata().getResourceVersion())));
        assertThat(versions).hasSizeGreaterThanOrEqualTo(17);
        return versions;
    }
}
