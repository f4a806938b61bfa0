package io.pgset.kubernetes.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.operator.KubernetesRuntime;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a pod's instance manager reads from the API server (with the {@code <cluster>-instance}
 * service account, allowed to read no more than its StatefulSet and pods): the primary the
 * operator recorded, and where the cluster's pods are.
 */
final class ClusterLookup {

    static final String PRIMARY_ANNOTATION = KubernetesRuntime.PRIMARY_ANNOTATION;

    private final KubernetesClient client;
    private final String namespace;
    private final String cluster;

    ClusterLookup(KubernetesClient client, String namespace, String cluster) {
        this.client = client;
        this.namespace = namespace;
        this.cluster = cluster;
    }

    /** A pod as the API server has it: its address, empty before it has one. */
    record Peer(String name, Optional<String> ip) {}

    /** One look: the recorded primary and the cluster's pods that are not being deleted, by name. */
    record Snapshot(Optional<String> recordedPrimary, Map<String, Peer> pods) {

        Optional<String> ip(String pod) {
            return Optional.ofNullable(pods.get(pod)).flatMap(Peer::ip);
        }
    }

    /**
     * @throws IllegalStateException when the StatefulSet does not exist
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server does not answer
     */
    Snapshot read() {
        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(cluster).get();
        if (set == null) {
            throw new IllegalStateException("StatefulSet " + namespace + "/" + cluster + " does not exist");
        }
        Optional<String> primary = Optional.ofNullable(set.getMetadata().getAnnotations())
                .map(a -> a.get(PRIMARY_ANNOTATION))
                .filter(name -> !name.isEmpty());
        Map<String, Peer> pods = new TreeMap<>();
        for (Pod pod : client.pods().inNamespace(namespace).withLabel(ManifestRenderer.CLUSTER_LABEL, cluster).list()
                .getItems()) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Optional<String> ip = Optional.ofNullable(pod.getStatus()).map(s -> s.getPodIP()).filter(s -> !s.isEmpty());
            pods.put(pod.getMetadata().getName(), new Peer(pod.getMetadata().getName(), ip));
        }
        return new Snapshot(primary, pods);
    }
}
