package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pgset.kubernetes.ManifestRenderer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches a cluster's pods for their removal from the API server and keeps, per pod name, the last
 * state the removed pod had ({@link PodFate.Removal}): a pass of the operator lists pods once a
 * second and would miss the moment between the kubelet reporting a deleted pod's containers
 * terminated and it removing the object.
 */
final class PodRemovals implements AutoCloseable {

    private final Map<String, PodFate.Removal> last = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Pod> informer;

    PodRemovals(KubernetesClient client, String namespace, String cluster) {
        this.informer = client.pods().inNamespace(namespace).withLabel(ManifestRenderer.CLUSTER_LABEL, cluster)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {}

                    @Override
                    public void onUpdate(Pod before, Pod pod) {}

                    @Override
                    public void onDelete(Pod pod, boolean lastStateUnknown) {
                        last.put(pod.getMetadata().getName(), new PodFate.Removal(pod.getMetadata().getUid(),
                                lastStateUnknown ? Optional.empty() : Optional.of(pod)));
                    }
                });
    }

    /** The last removal of a pod with this name since the watch began. */
    Optional<PodFate.Removal> last(String pod) {
        return Optional.ofNullable(last.get(pod));
    }

    @Override
    public void close() {
        informer.close();
    }
}
