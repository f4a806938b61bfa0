package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.kubernetes.ManifestRenderer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the mock API server lacks: the StatefulSet controller and the kubelet, in small. Every
 * 50 ms it makes the pods a StatefulSet asks for (ordinals below replicas, with the template's
 * labels and revision, Running with an IP) and their volume claims, removes pods at or above
 * replicas, and recreates deleted pods, after {@code recreateAfter} (a node that takes its time).
 * It writes what it saw and did to a timeline, for the tests' assertions about order:
 * "replicas 3", "create demo-0", "delete demo-4" (scale-down), "deleted demo-2" (by someone else).
 */
final class FakeKubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<String> log;
    /** Pod names whose deletion was seen, and when they may come back. */
    private final Map<String, Long> deletedUntil = new HashMap<>();
    private final Map<String, String> seenUid = new HashMap<>();
    private volatile Duration recreateAfter = Duration.ZERO;
    private volatile boolean held;

    private final Map<String, Integer> replicasSeen = new HashMap<>();

    FakeKubelet(KubernetesClient client, String namespace, List<String> timeline) {
        this.client = client;
        this.namespace = namespace;
        this.log = timeline;
        loop.scheduleWithFixedDelay(this::passQuietly, 0, 50, TimeUnit.MILLISECONDS);
    }

    void recreateAfter(Duration delay) {
        recreateAfter = delay;
    }

    /** While held, it does nothing: a StatefulSet's new pods do not appear (a node that has not started them yet). */
    void hold(boolean held) {
        this.held = held;
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            // the mock server is going away at the end of a test, or a write raced: next pass
        }
    }

    private synchronized void pass() {
        if (held) {
            return;
        }
        for (StatefulSet set : client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
            String name = set.getMetadata().getName();
            String revision = name + "-" + templateHash(set);
            int replicas = set.getSpec().getReplicas() == null ? 0 : set.getSpec().getReplicas();
            if (!Integer.valueOf(replicas).equals(replicasSeen.put(name, replicas))) {
                log.add("replicas " + replicas);
            }
            Map<String, Pod> pods = new HashMap<>();
            client.pods().inNamespace(namespace).withLabel(ManifestRenderer.CLUSTER_LABEL, name).list().getItems()
                    .forEach(p -> pods.put(p.getMetadata().getName(), p));
            // pods deleted by someone else
            for (Map.Entry<String, String> seen : new HashMap<>(seenUid).entrySet()) {
                Pod now = pods.get(seen.getKey());
                if (seen.getKey().startsWith(name + "-") && (now == null || !now.getMetadata().getUid().equals(seen.getValue()))) {
                    seenUid.remove(seen.getKey());
                    if (now == null && ordinal(name, seen.getKey()) < replicas) {
                        log.add("deleted " + seen.getKey());
                        deletedUntil.put(seen.getKey(), System.nanoTime() + recreateAfter.toNanos());
                    }
                }
            }
            int ready = 0;
            for (int i = 0; i < replicas; i++) {
                String pod = name + "-" + i;
                if (pods.containsKey(pod)) {
                    ready++;
                    continue;
                }
                Long until = deletedUntil.get(pod);
                if (until != null && System.nanoTime() < until) {
                    continue;
                }
                deletedUntil.remove(pod);
                claim(set, i);
                Pod created = client.pods().inNamespace(namespace).resource(pod(set, pod, revision, i)).create();
                seenUid.put(pod, created.getMetadata().getUid());
                log.add("create " + pod);
            }
            for (Pod p : pods.values()) {
                int ordinal = ordinal(name, p.getMetadata().getName());
                if (ordinal >= replicas) {
                    client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).delete();
                    seenUid.remove(p.getMetadata().getName());
                    log.add("delete " + p.getMetadata().getName());
                    if ("Delete".equals(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())) {
                        client.persistentVolumeClaims().inNamespace(namespace).withName("data-" + p.getMetadata().getName()).delete();
                    }
                } else {
                    seenUid.putIfAbsent(p.getMetadata().getName(), p.getMetadata().getUid());
                }
            }
            int readyNow = ready;
            if (set.getStatus() == null || !revision.equals(set.getStatus().getUpdateRevision())
                    || set.getStatus().getReplicas() == null || set.getStatus().getReplicas() != readyNow) {
                client.apps().statefulSets().inNamespace(namespace).withName(name).editStatus(s -> {
                    s.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                            .withReplicas(readyNow).withUpdateRevision(revision).build());
                    return s;
                });
            }
        }
    }

    private void claim(StatefulSet set, int ordinal) {
        PersistentVolumeClaim template = set.getSpec().getVolumeClaimTemplates().get(0);
        String name = template.getMetadata().getName() + "-" + set.getMetadata().getName() + "-" + ordinal;
        if (client.persistentVolumeClaims().inNamespace(namespace).withName(name).get() == null) {
            client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(name).withLabels(template.getMetadata().getLabels()).endMetadata()
                    .withSpec(template.getSpec()).build()).create();
        }
    }

    private Pod pod(StatefulSet set, String name, String revision, int ordinal) {
        Map<String, String> labels = new HashMap<>(set.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(KubernetesRuntime.REVISION_LABEL, revision);
        labels.put("statefulset.kubernetes.io/pod-name", name);
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withSpec(set.getSpec().getTemplate().getSpec())
                .withNewStatus().withPhase("Running").withPodIP("10.1.0." + (10 + ordinal))
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
                .endStatus()
                .build();
    }

    private static int ordinal(String set, String pod) {
        return io.pgset.core.model.PodName.ordinalIn(set, pod).orElseThrow();
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }

    /** What the StatefulSet controller names a revision after: a hash of the pod template. */
    private static String templateHash(StatefulSet set) {
        String template = ManifestRenderer.yaml(List.of(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
                .withNewMetadata().withName("hash").endMetadata()
                .withNewSpec().withTemplate(set.getSpec().getTemplate()).endSpec().build()));
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(template.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
