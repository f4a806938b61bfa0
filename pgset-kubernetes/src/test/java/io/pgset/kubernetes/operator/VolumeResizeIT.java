package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A larger storage.size against the fabric8 mock API server: claims whose StorageClass allows it
 * are patched and the StatefulSet is created again around its orphaned pods; a StorageClass that
 * does not, or a smaller size, changes nothing and says why.
 */
@EnableKubernetesMockClient(crud = true)
class VolumeResizeIT {

    static KubernetesClient client;
    static KubernetesMockServer server;
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final String ns = "resize-" + NAMESPACES.incrementAndGet();
    private final VolumeResize resize = new VolumeResize(client);

    @Test
    void expandableClaimsGrowAndTheStatefulSetIsCreatedAgainAroundItsPods() throws Exception {
        cluster("expandable", true);
        String podUid = client.pods().inNamespace(ns).withName("demo-0").get().getMetadata().getUid();
        drainRequests();

        List<String> changed = resize.apply(ns, spec("2Gi"));

        assertThat(changed).containsExactly("PersistentVolumeClaim data-demo-0", "PersistentVolumeClaim data-demo-1",
                "StatefulSet demo");
        assertThat(requested("data-demo-0")).isEqualTo("2Gi");
        assertThat(requested("data-demo-1")).isEqualTo("2Gi");
        StatefulSet set = client.apps().statefulSets().inNamespace(ns).withName("demo").get();
        assertThat(set.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
                .isEqualTo(new Quantity("2Gi"));
        assertThat(set.getSpec().getReplicas()).as("the replicas the runtime set").isEqualTo(2);
        assertThat(set.getMetadata().getAnnotations()).containsEntry("pgset.io/primary", "demo-0");
        assertThat(client.pods().inNamespace(ns).withName("demo-0").get().getMetadata().getUid())
                .as("the pod is the same one: never deleted").isEqualTo(podUid);
        assertThat(deletions()).singleElement().satisfies(delete -> {
            assertThat(delete.getPath()).endsWith("/statefulsets/demo");
            assertThat(delete.getUtf8Body()).contains("\"propagationPolicy\":\"Orphan\"");
        });
        assertThat(resize.problem(ns, "demo")).isEmpty();

        assertThat(resize.apply(ns, spec("2Gi"))).as("once done, nothing more").isEmpty();
    }

    @Test
    void aStatefulSetStillBeingDeletedIsCreatedAgainOnceItIsGone() throws Exception {
        cluster("expandable", true);
        // A finalizer keeps it, as the garbage collector does while it orphans the pods.
        client.apps().statefulSets().inNamespace(ns).withName("demo")
                .edit(s -> new StatefulSetBuilder(s).editMetadata().addToFinalizers("test/hold").endMetadata().build());

        assertThat(resize.apply(ns, spec("2Gi"))).last().asString().startsWith("StatefulSet demo (deleted");
        assertThat(resize.recreating(ns, "demo")).isTrue();
        assertThat(resize.apply(ns, spec("2Gi"))).as("still being deleted").isEmpty();

        client.apps().statefulSets().inNamespace(ns).withName("demo")
                .edit(s -> new StatefulSetBuilder(s).editMetadata().withFinalizers(List.of()).endMetadata().build());
        await().atMost(Duration.ofSeconds(5)).until(() -> client.apps().statefulSets().inNamespace(ns)
                .withName("demo").get() == null);
        assertThat(resize.apply(ns, spec("2Gi"))).containsExactly("StatefulSet demo");
        assertThat(resize.recreating(ns, "demo")).isFalse();
        assertThat(client.apps().statefulSets().inNamespace(ns).withName("demo").get().getSpec()
                .getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
                .isEqualTo(new Quantity("2Gi"));
    }

    @Test
    void aStorageClassWithoutExpansionKeepsTheClaimsAndSaysWhy() throws Exception {
        cluster("fixed", false);
        drainRequests();

        assertThat(resize.apply(ns, spec("2Gi"))).isEmpty();

        assertThat(requested("data-demo-0")).isEqualTo("1Gi");
        assertThat(deletions()).isEmpty();
        assertThat(resize.problem(ns, "demo")).hasValueSatisfying(why -> assertThat(why).startsWith(
                "StorageClass fixed of claim data-demo-0 does not allow volume expansion"));
    }

    @Test
    void aSmallerSizeIsRefusedAndChangesNothing() throws Exception {
        cluster("expandable", true);
        drainRequests();

        assertThat(resize.apply(ns, spec("512Mi"))).isEmpty();

        assertThat(requested("data-demo-0")).isEqualTo("1Gi");
        assertThat(deletions()).isEmpty();
        assertThat(resize.problem(ns, "demo")).hasValueSatisfying(why -> assertThat(why)
                .contains("storage.size 512Mi is below claim data-demo-0's 1Gi: a claim cannot shrink"));
    }

    private static ClusterSpec spec(String size) {
        return SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n"
                + "spec: {instances: 2, storage: {size: " + size + "}}\n");
    }

    /** A StatefulSet of two pods with 1Gi claims of this StorageClass, as the operator leaves it. */
    private void cluster(String storageClass, boolean expandable) {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName(storageClass).endMetadata().withProvisioner("test").withAllowVolumeExpansion(expandable)
                .build()).createOr(existing -> existing.update());
        Map<String, String> labels = Map.of("pgset.io/cluster", "demo");
        client.apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder()
                .withNewMetadata().withName("demo").addToAnnotations("pgset.io/primary", "demo-0").endMetadata()
                .withNewSpec().withReplicas(2).withServiceName("demo")
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("postgres").withImage("pgset").endContainer().endSpec()
                .endTemplate()
                .addToVolumeClaimTemplates(claim("data", storageClass))
                .endSpec().build()).create();
        for (int i = 0; i < 2; i++) {
            client.persistentVolumeClaims().inNamespace(ns).resource(claim("data-demo-" + i, storageClass)).create();
            Pod pod = new PodBuilder().withNewMetadata().withName("demo-" + i).withLabels(labels).endMetadata()
                    .withNewSpec().addNewContainer().withName("postgres").withImage("pgset").endContainer().endSpec()
                    .build();
            client.pods().inNamespace(ns).resource(pod).create();
        }
    }

    private static PersistentVolumeClaim claim(String name, String storageClass) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(storageClass)
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build();
    }

    private String requested(String claim) {
        return client.persistentVolumeClaims().inNamespace(ns).withName(claim).get().getSpec().getResources()
                .getRequests().get("storage").toString();
    }

    private static void drainRequests() throws InterruptedException {
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // what the setup sent
        }
    }

    private static List<RecordedRequest> deletions() throws InterruptedException {
        List<RecordedRequest> deletes = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(10, TimeUnit.MILLISECONDS); r != null;
             r = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
            if (r.getMethod().equals("DELETE")) {
                deletes.add(r);
            }
        }
        return deletes;
    }
}
