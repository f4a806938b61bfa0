package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PodName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brings the instances' volume claims to {@code storage.size}, with no pod restarting:
 * <ol>
 *   <li>Each existing claim {@code data-<name>-<i>} asking for less is patched to the new size,
 *       when its StorageClass allows expansion ({@code allowVolumeExpansion: true}); otherwise it
 *       keeps its size and the status says which StorageClass refuses it.</li>
 *   <li>The StatefulSet's {@code volumeClaimTemplates} cannot be changed, and new ordinals must get
 *       the new size: once every claim could be expanded, the StatefulSet is deleted with orphan
 *       propagation (its pods stay, untouched) and created again with the larger template; it
 *       adopts the same pods, and with {@code OnDelete} it restarts none of them. The deletion
 *       ends when the garbage collector has orphaned the pods: the new StatefulSet, kept meanwhile,
 *       is created on the first pass that finds the old one gone. This runs before the other
 *       objects are applied, which would otherwise create a missing StatefulSet anew, with no
 *       replicas.</li>
 *   <li>A size below a claim's is never applied (a claim cannot shrink): the status says so and
 *       nothing changes.</li>
 * </ol>
 */
final class VolumeResize {

    /** The claim template's name: claims are {@code data-<pod>} ({@link PodName#volume}). */
    private static final String TEMPLATE = "data";

    private final KubernetesClient client;
    /** Per cluster ({@code namespace/name}): why its claims do not have the spec's size, while they do not. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    /** Per cluster: the StatefulSet to create once its predecessor, deleted for a larger template, is gone. */
    private final Map<String, StatefulSet> pending = new ConcurrentHashMap<>();

    VolumeResize(KubernetesClient client) {
        this.client = client;
    }

    /** @return what it changed ({@code PersistentVolumeClaim data-demo-0}, {@code StatefulSet demo}) */
    List<String> apply(String namespace, ClusterSpec spec) {
        String key = namespace + "/" + spec.name();
        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(spec.name()).get();
        if (set == null) {
            problems.remove(key);
            StatefulSet next = pending.remove(key);
            if (next == null) {
                return List.of();
            }
            client.apps().statefulSets().inNamespace(namespace).resource(next).create();
            return List.of("StatefulSet " + spec.name());
        }
        if (set.getMetadata().getDeletionTimestamp() != null) {
            return List.of(); // being deleted: its successor waits in pending
        }
        long wanted = spec.storage().sizeBytes();
        List<String> changed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (PersistentVolumeClaim claim : claims(namespace, spec)) {
            long asked = ClaimCapacity.requested(claim).orElse(0);
            String name = claim.getMetadata().getName();
            if (asked > wanted) {
                refused.add("storage.size " + spec.storage().size() + " is below claim " + name + "'s "
                        + claim.getSpec().getResources().getRequests().get("storage") + ": a claim cannot shrink,"
                        + " so it keeps its size; set storage.size back to at least that");
            } else if (asked < wanted) {
                Optional<String> why = expansionRefused(claim);
                if (why.isPresent()) {
                    refused.add(why.get());
                } else {
                    client.persistentVolumeClaims().inNamespace(namespace).withName(name)
                            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"resources\":{\"requests\":"
                                    + "{\"storage\":\"" + spec.storage().size() + "\"}}}}");
                    changed.add("PersistentVolumeClaim " + name);
                }
            }
        }
        if (refused.isEmpty() && templateSize(set).map(size -> size < wanted).orElse(false)) {
            changed.addAll(recreate(key, set, spec.storage().size()));
        }
        if (refused.isEmpty()) {
            problems.remove(key);
        } else {
            problems.put(key, String.join("; ", refused));
        }
        return changed;
    }

    /** Why the cluster's claims do not have its spec's size; empty while they do, or are being expanded. */
    Optional<String> problem(String namespace, String name) {
        return Optional.ofNullable(problems.get(namespace + "/" + name));
    }

    /** Whether the cluster's StatefulSet waits to be created again (every pass should look). */
    boolean recreating(String namespace, String name) {
        return pending.containsKey(namespace + "/" + name);
    }

    private List<PersistentVolumeClaim> claims(String namespace, ClusterSpec spec) {
        List<PersistentVolumeClaim> claims = new ArrayList<>();
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(namespace).list().getItems()) {
            if (PodName.volumeOrdinalIn(spec.name(), claim.getMetadata().getName()).isPresent()) {
                claims.add(claim);
            }
        }
        return claims;
    }

    /** Empty when the claim's StorageClass allows expansion; else why it cannot grow. */
    private Optional<String> expansionRefused(PersistentVolumeClaim claim) {
        String className = claim.getSpec().getStorageClassName();
        String name = claim.getMetadata().getName();
        if (className == null || className.isEmpty()) {
            return Optional.of("claim " + name + " has no StorageClass, so it cannot be expanded; it keeps its size");
        }
        StorageClass storageClass = client.storage().v1().storageClasses().withName(className).get();
        if (storageClass == null || !Boolean.TRUE.equals(storageClass.getAllowVolumeExpansion())) {
            return Optional.of("StorageClass " + className + " of claim " + name + " does not allow volume expansion"
                    + " (allowVolumeExpansion is not true), so the claim keeps its size; use a StorageClass that"
                    + " allows it, or move the data to a new cluster");
        }
        return Optional.empty();
    }

    /**
     * Deleted without its pods (orphaned), then created again as it was but for the claim
     * template's size: now when the deletion is done at once, else at a later pass.
     */
    private List<String> recreate(String key, StatefulSet current, String size) {
        String namespace = current.getMetadata().getNamespace();
        StatefulSet next = new StatefulSetBuilder(current)
                .editMetadata().withResourceVersion(null).withUid(null).withCreationTimestamp(null)
                .withManagedFields(List.of()).withGeneration(null).endMetadata()
                .withStatus(null)
                .build();
        next.getSpec().getVolumeClaimTemplates().stream().filter(t -> TEMPLATE.equals(t.getMetadata().getName()))
                .forEach(t -> t.getSpec().getResources().getRequests().put("storage", new Quantity(size)));
        String name = current.getMetadata().getName();
        pending.put(key, next);
        client.apps().statefulSets().inNamespace(namespace).withName(name)
                .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        if (client.apps().statefulSets().inNamespace(namespace).withName(name).get() != null) {
            return List.of("StatefulSet " + name + " (deleted, its pods orphaned; created again once it is gone)");
        }
        pending.remove(key);
        client.apps().statefulSets().inNamespace(namespace).resource(next).create();
        return List.of("StatefulSet " + name);
    }

    private static Optional<Long> templateSize(StatefulSet set) {
        return set.getSpec().getVolumeClaimTemplates().stream()
                .filter(t -> TEMPLATE.equals(t.getMetadata().getName()))
                .findFirst()
                .map(t -> Quantity.getAmountInBytes(t.getSpec().getResources().getRequests().get("storage"))
                        .longValue());
    }

}
