package io.pgset.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.S3Repository;
import io.pgset.kubernetes.pod.PodBackups;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod's side of {@code spec.backup} and {@code spec.bootstrap.recovery}: the backups claim,
 * and the volumes and mounts that put it, the s3 credentials and a recovery source's claim where
 * {@link PodBackups} says the instance finds them. Pure.
 *
 * <p>The {@code <cluster>-backups} claim is shared by every pod, so it asks for ReadWriteMany; on a
 * storage class without it, create the claim yourself before the cluster (ReadWriteOnce keeps
 * every pod on one node), because the operator only creates it when it is missing and never
 * changes or deletes it: the backups must outlive the cluster to restore it.
 */
public final class BackupVolumes {

    static final String CLAIM_VOLUME = "backups";
    static final String SOURCE_VOLUME = "source-backups";
    private static final Pattern QUANTITY = Pattern.compile("([0-9]+)(Ki|Mi|Gi|Ti)?");

    private BackupVolumes() {}

    /**
     * The {@code <cluster>-backups} claim, when a posix repository without a path needs it. Twice
     * the data volume: room for a few compressed full backups and the WAL between them.
     */
    public static Optional<PersistentVolumeClaim> claim(ClusterSpec spec, ObjectMeta meta) {
        if (!PodBackups.needsClaim(spec)) {
            return Optional.empty();
        }
        return Optional.of(new PersistentVolumeClaimBuilder()
                .withMetadata(new ObjectMetaBuilder(meta).withName(PodBackups.claimName(spec.name()))
                        .addToAnnotations("pgset.io/retained", "created once; the operator never changes or deletes"
                                + " it, so the backups outlive the cluster")
                        .build())
                .withNewSpec()
                .withAccessModes("ReadWriteMany")
                .withNewResources().addToRequests("storage", new Quantity(twice(spec.storage().size()))).endResources()
                .endSpec()
                .build());
    }

    /**
     * @param sourceClaim whether the recovery source's repository is on its {@code <source>-backups} claim
     */
    public static List<Volume> volumes(ClusterSpec spec, boolean sourceClaim) {
        List<Volume> volumes = new ArrayList<>();
        if (PodBackups.needsClaim(spec)) {
            volumes.add(new VolumeBuilder().withName(CLAIM_VOLUME).withNewPersistentVolumeClaim()
                    .withClaimName(PodBackups.claimName(spec.name())).endPersistentVolumeClaim().build());
        }
        List<S3Repository> s3 = PodBackups.secretRepositories(spec);
        for (int i = 0; i < s3.size(); i++) {
            volumes.add(new VolumeBuilder().withName(credentialsVolume(i)).withNewSecret()
                    .withSecretName(s3.get(i).credentials().secretName()).withDefaultMode(0400)
                    .addNewItem().withKey(PodBackups.ACCESS_KEY_ID).withPath(PodBackups.ACCESS_KEY_ID).endItem()
                    .addNewItem().withKey(PodBackups.SECRET_ACCESS_KEY).withPath(PodBackups.SECRET_ACCESS_KEY).endItem()
                    .endSecret().build());
        }
        sourceClaim(spec, sourceClaim).ifPresent(claim -> volumes.add(new VolumeBuilder().withName(SOURCE_VOLUME)
                .withNewPersistentVolumeClaim().withClaimName(claim).withReadOnly(true).endPersistentVolumeClaim()
                .build()));
        return volumes;
    }

    /** Where the instance container mounts {@link #volumes}. */
    public static List<VolumeMount> mounts(ClusterSpec spec, boolean sourceClaim) {
        List<VolumeMount> mounts = new ArrayList<>();
        if (PodBackups.needsClaim(spec)) {
            mounts.add(mount(CLAIM_VOLUME, PodBackups.CLAIM_MOUNT.toString(), false));
        }
        List<S3Repository> s3 = PodBackups.secretRepositories(spec);
        for (int i = 0; i < s3.size(); i++) {
            mounts.add(mount(credentialsVolume(i), PodBackups.credentials(s3.get(i).name()).toString(), true));
        }
        sourceClaim(spec, sourceClaim)
                .ifPresent(claim -> mounts.add(mount(SOURCE_VOLUME, PodBackups.SOURCE_CLAIM_MOUNT.toString(), true)));
        return mounts;
    }

    /** Whether a rendered StatefulSet's pods mount a recovery source's claim. */
    public static boolean mountsSourceClaim(io.fabric8.kubernetes.api.model.apps.StatefulSet set) {
        return set.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getName().equals(SOURCE_VOLUME));
    }

    private static Optional<String> sourceClaim(ClusterSpec spec, boolean sourceClaim) {
        return spec.bootstrap().recovery().filter(r -> sourceClaim)
                .map(r -> PodBackups.claimName(r.source().cluster()));
    }

    /** By position, not repository name: a name may use all 63 characters a volume name has. */
    private static String credentialsVolume(int index) {
        return "s3-credentials-" + index;
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly ? true : null).build();
    }

    /** Core accepts only whole numbers with an optional binary suffix, so doubling is exact. */
    static String twice(String size) {
        Matcher m = QUANTITY.matcher(size);
        if (!m.matches()) {
            throw new IllegalArgumentException("spec.storage.size " + size + " is not a size SpecReader accepts");
        }
        return new java.math.BigInteger(m.group(1)).shiftLeft(1) + (m.group(2) == null ? "" : m.group(2));
    }
}
