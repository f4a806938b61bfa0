package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.spec.SpecException;
import io.pgset.kubernetes.BackupVolumes;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.model.GeneratedSecrets;
import io.pgset.kubernetes.pod.RestoreSources;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the objects {@link ManifestRenderer} describes exist as rendered, with server-side apply
 * under pgset's own field manager: the API server then keeps what other managers own (a
 * Service's clusterIP, the StatefulSet's replicas that the runtime scales, the recorded primary
 * annotation, anything another controller adds) and changes nothing when nothing differs.
 * pgset forces its own fields back when someone else changed them.
 *
 * <p>Secrets and the backups claim are created once and never applied again: the Secrets hold
 * the passwords the data was made with, and a claim the user made beforehand is theirs. The
 * claim is never owned by the cluster, so never deleted with it. A StatefulSet is made with no
 * replicas (the runtime adds pods one ordinal at a time), and its claim templates, which
 * Kubernetes does not let change, stay as they were made.
 */
public final class ClusterObjects {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterObjects.class);

    /** pgset's field manager in {@code metadata.managedFields}. */
    public static final String FIELD_MANAGER = "pgset";

    private final KubernetesClient client;
    private final String image;
    private final RandomGenerator random;
    private final Clock clock;

    /** @param random and {@code clock}: what new Secrets are generated from (passwords, the CA) */
    public ClusterObjects(KubernetesClient client, String image, RandomGenerator random, Clock clock) {
        this.client = client;
        this.image = image;
        this.random = random;
        this.clock = clock;
    }

    /** @return the kinds and names of the objects it created or changed */
    public List<String> apply(PostgresCluster owner, ClusterSpec spec) {
        String namespace = owner.getMetadata().getNamespace();
        ManifestRenderer renderer = new ManifestRenderer(spec, namespace, image, sourceClaim(namespace, spec));
        List<HasMetadata> objects = new ArrayList<>();
        // New Secrets cost a CA key and passwords: only made when one is missing.
        Set<String> secrets = new HashSet<>();
        client.secrets().inNamespace(namespace).withLabel(ManifestRenderer.CLUSTER_LABEL, spec.name()).list()
                .getItems().forEach(x -> secrets.add(x.getMetadata().getName()));
        if (!secrets.containsAll(renderer.secretNames())) {
            objects.addAll(renderer.secrets(GeneratedSecrets.generate(spec.name(), random, clock)).stream()
                    .filter(s -> !secrets.contains(s.getMetadata().getName())).toList());
        }
        objects.addAll(renderer.workloads());
        List<String> changed = new ArrayList<>();
        for (HasMetadata object : objects) {
            // Secrets outlive the cluster when its volumes do: the data in them needs these passwords.
            // The backups claim always does: a deleted cluster is restored from it.
            if (!(object instanceof PersistentVolumeClaim)
                    && (!(object instanceof Secret) || !spec.storage().retainOnDelete())) {
                object.getMetadata().setOwnerReferences(List.of(ownerReference(owner)));
            }
            if (apply(object)) {
                changed.add(object.getKind() + " " + object.getMetadata().getName());
            }
        }
        return changed;
    }

    /**
     * Whether the pods mount the recovery source's {@code <source>-backups} claim: decided from the
     * source's spec when the StatefulSet is made, and kept after. The restore is done by then,
     * and the source may since have been deleted or changed; a new template would restart every
     * pod, or wait for a claim that is not there. A source whose repository cannot be resolved
     * gets no mount: its first pod then says why it cannot restore.
     */
    private boolean sourceClaim(String namespace, ClusterSpec spec) {
        if (spec.bootstrap().recovery().isEmpty()) {
            return false;
        }
        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(spec.name()).get();
        if (set != null) {
            return BackupVolumes.mountsSourceClaim(set);
        }
        RecoverySource source = spec.bootstrap().recovery().get().source();
        try {
            return RestoreSources.onSourceClaim(RestoreSources.repository(source,
                    Specs.find(client, namespace, source.cluster())));
        } catch (IllegalArgumentException | SpecException e) {
            LOG.warn("cluster={}/{} cannot resolve its recovery source, its pods mount no source claim: {}", namespace,
                    spec.name(), e.getMessage());
            return false;
        }
    }

    private boolean apply(HasMetadata desired) {
        HasMetadata existing = client.resource(desired).get();
        if (desired instanceof Secret || desired instanceof PersistentVolumeClaim) {
            return existing == null && createOnce(desired);
        }
        if (desired instanceof StatefulSet set) {
            if (existing instanceof StatefulSet current) {
                keepWhatOthersOwn(set, current);
            } else {
                set.getSpec().setReplicas(podsToAdopt(set));
            }
        }
        HasMetadata applied = client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        return existing == null || !Objects.equals(existing.getMetadata().getResourceVersion(),
                applied.getMetadata().getResourceVersion());
    }

    /**
     * The replicas a StatefulSet starts with: none, and the runtime adds pods one ordinal at a
     * time, unless pods of its name still run. Then it was deleted with its pods orphaned (to take
     * a larger claim template, see {@link VolumeResize}) and the operator stopped before it made
     * it again: created with fewer replicas than the highest orphaned ordinal + 1, the
     * StatefulSet controller would adopt the pods and delete those beyond it at once (a gap below
     * is filled in by the controller, which costs less than losing the running ones).
     */
    private int podsToAdopt(StatefulSet set) {
        String prefix = set.getMetadata().getName() + "-";
        return client.pods().inNamespace(set.getMetadata().getNamespace())
                .withLabels(set.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .filter(pod -> pod.getMetadata().getOwnerReferences() == null || pod.getMetadata().getOwnerReferences()
                        .stream().noneMatch(o -> Boolean.TRUE.equals(o.getController())))
                .map(pod -> pod.getMetadata().getName())
                .filter(name -> name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d{1,4}"))
                .mapToInt(name -> Integer.parseInt(name.substring(prefix.length())) + 1)
                .max().orElse(0);
    }

    /**
     * Replicas are the runtime's (it scales one ordinal at a time): left out of what pgset
     * applies, they stay as the runtime set them. The claim templates cannot change in
     * place: the set keeps the ones it has ({@link VolumeResize} makes it anew for a larger size),
     * and a new storage class reaches only a new cluster.
     */
    private static void keepWhatOthersOwn(StatefulSet desired, StatefulSet current) {
        // Until the runtime first scales, pgset owns the 0 it made the set with; left out, the
        // API server would reset it to its default of 1.
        desired.getSpec().setReplicas(StatefulSetFields.appliedBy(current, FIELD_MANAGER, "f:spec", "f:replicas")
                ? current.getSpec().getReplicas() : null);
        if (!StatefulSetFields.sameRequests(desired, current)) {
            LOG.warn("cluster={}/{} spec.storage asks for data claims of {}, but a StatefulSet's claim templates"
                            + " cannot change in place: the set keeps {} (a larger size is the volume resize's; a"
                            + " storage class only a new cluster gets)",
                    current.getMetadata().getNamespace(), current.getMetadata().getName(),
                    StatefulSetFields.describe(desired), StatefulSetFields.describe(current));
        }
        desired.getSpec().setVolumeClaimTemplates(current.getSpec().getVolumeClaimTemplates());
    }

    /** Created once; one that another writer made meanwhile is kept as it is. */
    private boolean createOnce(HasMetadata desired) {
        try {
            client.resource(desired).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    static OwnerReference ownerReference(PostgresCluster owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
