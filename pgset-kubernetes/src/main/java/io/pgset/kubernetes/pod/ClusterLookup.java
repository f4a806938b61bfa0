package io.pgset.kubernetes.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.model.ClusterSpec;
import io.pgset.kubernetes.operator.KubernetesRuntime;
import io.pgset.kubernetes.operator.Specs;
import java.util.Optional;

/**
 * What a pod's instance manager reads from the API server (with the {@code <cluster>-instance}
 * service account, allowed to read no more than its StatefulSet and pods, and a recovery's source
 * cluster): the primary the operator recorded, and where a pod is. One request each; the guard
 * asks for the recorded primary every second and for an address only when it must act.
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

    /**
     * @throws IllegalStateException when the StatefulSet does not exist
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server does not answer
     */
    Optional<String> recordedPrimary() {
        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(cluster).get();
        if (set == null) {
            throw new IllegalStateException("StatefulSet " + namespace + "/" + cluster + " does not exist");
        }
        return KubernetesRuntime.recordedPrimary(set);
    }

    /**
     * Another cluster's spec in the namespace (a recovery's source); empty when it does not exist.
     *
     * @throws io.pgset.core.spec.SpecException when its spec is invalid
     */
    Optional<ClusterSpec> cluster(String name) {
        return Specs.find(client, namespace, name);
    }

    /** The pod's address; empty while it has none or is being deleted. */
    Optional<String> address(String pod) {
        Pod found = client.pods().inNamespace(namespace).withName(pod).get();
        if (found == null || found.getMetadata().getDeletionTimestamp() != null || found.getStatus() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(found.getStatus().getPodIP()).filter(ip -> !ip.isEmpty());
    }
}
