package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.spec.SpecException;
import io.pgset.kubernetes.BackupVolumes;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.model.GeneratedSecrets;
import io.pgset.kubernetes.pod.RestoreSources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the objects {@link ManifestRenderer} describes exist as rendered, changing only what
 * differs: Secrets and the backups claim are created once and never overwritten (the claim is
 * never owned by the cluster, so never deleted with it); a StatefulSet keeps the replicas the
 * runtime set and its annotations, and gets a new template only when the rendered one changed;
 * Services keep their cluster IP.
 */
final class ClusterObjects {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterObjects.class);

    /** On the StatefulSet: a hash of the template it was last given. */
    static final String TEMPLATE_HASH = "pgset.io/template-hash";

    private final KubernetesClient client;
    private final String image;
    private final RandomGenerator random;
    private final Clock clock;

    /** @param random and {@code clock}: what new Secrets are generated from (passwords, the CA) */
    ClusterObjects(KubernetesClient client, String image, RandomGenerator random, Clock clock) {
        this.client = client;
        this.image = image;
        this.random = random;
        this.clock = clock;
    }

    /** @return the names of the objects it created or changed */
    List<String> apply(PostgresCluster owner, ClusterSpec spec) {
        String namespace = owner.getMetadata().getNamespace();
        ManifestRenderer renderer = new ManifestRenderer(spec, namespace, image, sourceClaim(namespace, spec));
        List<HasMetadata> objects = new ArrayList<>();
        // New Secrets cost a CA key and passwords: only made when one is missing.
        Set<String> secrets = new HashSet<>();
        client.secrets().inNamespace(namespace).withLabel(ManifestRenderer.CLUSTER_LABEL, spec.name()).list()
                .getItems().forEach(x -> secrets.add(x.getMetadata().getName()));
        if (!secrets.containsAll(renderer.secretNames())) {
            objects.addAll(renderer.secrets(GeneratedSecrets.generate(spec.name(), random, clock)));
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
        if (existing == null) {
            if (desired instanceof StatefulSet set) {
                set.getSpec().setReplicas(0); // the runtime adds pods one ordinal at a time
                set.getMetadata().getAnnotations().put(TEMPLATE_HASH, hash(set));
            }
            client.resource(desired).create();
            return true;
        }
        if (desired instanceof Secret || desired instanceof PersistentVolumeClaim) {
            // Generated once: a password in use is never replaced, and a claim the user made
            // beforehand (another size, access mode or storage class) is theirs.
            return false;
        }
        if (desired instanceof StatefulSet set && existing instanceof StatefulSet current) {
            String hash = hash(set);
            if (hash.equals(current.getMetadata().getAnnotations().get(TEMPLATE_HASH))) {
                return false;
            }
            client.apps().statefulSets().inNamespace(current.getMetadata().getNamespace())
                    .withName(current.getMetadata().getName()).edit(s -> {
                        s.getMetadata().getAnnotations().put(TEMPLATE_HASH, hash);
                        s.getSpec().setTemplate(set.getSpec().getTemplate());
                        s.getSpec().setPersistentVolumeClaimRetentionPolicy(
                                set.getSpec().getPersistentVolumeClaimRetentionPolicy());
                        return s;
                    });
            return true;
        }
        if (desired instanceof Service service && existing instanceof Service current) {
            if (Objects.equals(service.getSpec().getSelector(), current.getSpec().getSelector())
                    && Objects.equals(service.getSpec().getPorts(), current.getSpec().getPorts())) {
                return false;
            }
            client.services().inNamespace(current.getMetadata().getNamespace()).withName(current.getMetadata().getName())
                    .edit(s -> {
                        s.getSpec().setSelector(service.getSpec().getSelector());
                        s.getSpec().setPorts(service.getSpec().getPorts());
                        return s;
                    });
            return true;
        }
        if (same(desired, existing)) {
            return false;
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        client.resource(desired).update();
        return true;
    }

    private static boolean same(HasMetadata desired, HasMetadata existing) {
        if (desired instanceof ConfigMap d && existing instanceof ConfigMap e) {
            return Objects.equals(d.getData(), e.getData());
        }
        if (desired instanceof PodDisruptionBudget d && existing instanceof PodDisruptionBudget e) {
            return Objects.equals(d.getSpec(), e.getSpec());
        }
        if (desired instanceof NetworkPolicy d && existing instanceof NetworkPolicy e) {
            return Objects.equals(d.getSpec(), e.getSpec());
        }
        if (desired instanceof io.fabric8.kubernetes.api.model.ServiceAccount d
                && existing instanceof io.fabric8.kubernetes.api.model.ServiceAccount e) {
            return Objects.equals(d.getAutomountServiceAccountToken(), e.getAutomountServiceAccountToken());
        }
        if (desired instanceof io.fabric8.kubernetes.api.model.rbac.Role d
                && existing instanceof io.fabric8.kubernetes.api.model.rbac.Role e) {
            return Objects.equals(d.getRules(), e.getRules());
        }
        if (desired instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding d
                && existing instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding e) {
            return Objects.equals(d.getRoleRef(), e.getRoleRef()) && Objects.equals(d.getSubjects(), e.getSubjects());
        }
        return false;
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

    /** Of what the operator sets in the StatefulSet beyond replicas: template and retention. */
    static String hash(StatefulSet set) {
        String text = ManifestRenderer.yaml(List.of(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
                .withNewMetadata().withName("hash").endMetadata()
                .withNewSpec()
                .withTemplate(set.getSpec().getTemplate())
                .withPersistentVolumeClaimRetentionPolicy(set.getSpec().getPersistentVolumeClaimRetentionPolicy())
                .endSpec().build()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
