package io.pgset.kubernetes.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The control plane the *E2E tests run against is real: the pinned release, the CRD's schema
 * enforced by the API server, and the StatefulSet and garbage-collector controllers at work.
 * There is no kubelet: the test plays its part where a pod must become Ready.
 */
@ExtendWith(ControlPlaneExtension.class)
class ControlPlaneE2E {

    private static final Path CRD = Path.of("..", "deploy", "crds", "postgresclusters.pgset.io-v1.yml");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void apiServerReportsThePinnedRelease(ControlPlane plane, KubernetesClient client) {
        System.out.println("control plane start-up took " + plane.startup().toMillis() + " ms");

        assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo(plane.kubernetesVersion());
    }

    @Test
    void schemaValidationRejectsAnInvalidClusterNamingTheFields(KubernetesClient client) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
        await().atMost(WAIT).until(() -> established(client, crd.getMetadata().getName()));
        String namespace = newNamespace(client);
        GenericKubernetesResource noInstances = cluster(namespace, Map.of("instances", 0));
        GenericKubernetesResource unknownField = cluster(namespace, Map.of("instances", 1, "colour", "blue"));

        assertThatThrownBy(() -> client.resource(noInstances).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    System.out.println("instances 0: " + e.getCode() + " " + e.getStatus().getMessage());
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("spec.instances", "greater than or equal to 1");
                });
        // Strict, as kubectl asks: an unknown field is an error, where by default it would be dropped.
        assertThatThrownBy(() -> client.resource(unknownField).fieldValidation(Validation.STRICT).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    System.out.println("unknown field: " + e.getCode() + " " + e.getStatus().getMessage());
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getStatus().getMessage()).contains("unknown field", "spec.colour");
                });
        assertThat(client.genericKubernetesResources("pgset.io/v1alpha1", "PostgresCluster").inNamespace(namespace)
                .list().getItems()).isEmpty();
    }

    @Test
    void statefulSetControllerCreatesPodsInOrderWithClaimsAndCollectsThem(KubernetesClient client) {
        String namespace = newNamespace(client);
        StatefulSet demo = client.resource(statefulSet(namespace, "demo", 2)).create();

        long start = System.nanoTime();
        Pod first = await().atMost(WAIT).until(() -> pod(client, namespace, "demo-0"), p -> p != null);
        System.out.println("statefulset controller created demo-0 after " + since(start) + " ms");
        assertThat(first.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(first.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(demo.getMetadata().getUid()));
        PersistentVolumeClaim claim = await().atMost(WAIT)
                .until(() -> claim(client, namespace, "data-demo-0"), c -> c != null);
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
        // Once the controller has counted demo-0 in the set's status it has decided about demo-1:
        // ordered, it waits for demo-0 to be Ready.
        await().atMost(WAIT).until(() -> statefulSetStatusReplicas(client, namespace, "demo") == 1);
        assertThat(pod(client, namespace, "demo-1")).isNull();

        markRunningAndReady(client, namespace, "demo-0");
        start = System.nanoTime();
        Pod second = await().atMost(WAIT).until(() -> pod(client, namespace, "demo-1"), p -> p != null);
        System.out.println("statefulset controller created demo-1 " + since(start) + " ms after demo-0 was Ready");
        assertThat(second.getStatus().getPhase()).isEqualTo("Pending");
        await().atMost(WAIT).until(() -> claim(client, namespace, "data-demo-1") != null);

        client.resource(demo).delete();
        start = System.nanoTime();
        await().atMost(WAIT).until(() -> client.pods().inNamespace(namespace).list().getItems().isEmpty());
        System.out.println("garbage collector removed the pods " + since(start) + " ms after the StatefulSet");
        // The default retention policy keeps claims when their set goes.
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("data-demo-0", "data-demo-1");
    }

    private static GenericKubernetesResource cluster(String namespace, Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("pgset.io/v1alpha1").withKind("PostgresCluster")
                .withNewMetadata().withName("demo").withNamespace(namespace).endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    private static StatefulSet statefulSet(String namespace, String name, int replicas) {
        Map<String, String> labels = Map.of("app", name);
        return new StatefulSetBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(name)
                .withPodManagementPolicy("OrderedReady")
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withContainers(new ContainerBuilder().withName("postgres").withImage("pgset:e2e")
                        .addNewVolumeMount().withName("data").withMountPath("/var/lib/postgresql").endVolumeMount()
                        .build())
                .endSpec()
                .endTemplate()
                .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
                        .withNewMetadata().withName("data").endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
                        .endSpec()
                        .build())
                .endSpec()
                .build();
    }

    /** What a kubelet reports once a pod's containers run and pass their readiness probe. */
    private static void markRunningAndReady(KubernetesClient client, String namespace, String name) {
        String now = Instant.now().toString();
        client.pods().inNamespace(namespace).withName(name).editStatus(pod -> {
            pod.getStatus().setPhase("Running");
            pod.getStatus().setStartTime(now);
            pod.getStatus().setConditions(List.of(
                    new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(now).build(),
                    new PodConditionBuilder().withType("ContainersReady").withStatus("True")
                            .withLastTransitionTime(now).build()));
            return pod;
        });
    }

    static String newNamespace(KubernetesClient client) {
        String name = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    static boolean established(KubernetesClient client, String crd) {
        CustomResourceDefinition current = client.apiextensions().v1().customResourceDefinitions().withName(crd).get();
        return current.getStatus() != null && current.getStatus().getConditions() != null && current.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Pod pod(KubernetesClient client, String namespace, String name) {
        return client.pods().inNamespace(namespace).withName(name).get();
    }

    private static PersistentVolumeClaim claim(KubernetesClient client, String namespace, String name) {
        return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    }

    private static int statefulSetStatusReplicas(KubernetesClient client, String namespace, String name) {
        StatefulSet current = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        return current.getStatus() == null || current.getStatus().getReplicas() == null ? 0
                : current.getStatus().getReplicas();
    }

    private static long since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
