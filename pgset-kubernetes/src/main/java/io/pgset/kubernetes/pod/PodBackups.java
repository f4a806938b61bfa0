package io.pgset.kubernetes.pod;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.S3Repository;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a pod finds what {@code spec.backup} and {@code spec.bootstrap.recovery} need: the one
 * layout that the rendered StatefulSet mounts and {@code pgset instance} reads, so that the two
 * cannot drift apart.
 *
 * <ul>
 *   <li>A posix repository without a path lives on the {@code <cluster>-backups} claim, mounted
 *       in every pod at {@link #CLAIM_MOUNT}: any pod may become the primary that archives, and
 *       every pod fetches WAL from it.</li>
 *   <li>An s3 repository's keys come from the Secret its {@code credentials.secretName} names,
 *       mounted read-only at {@link #credentials(String)}, one file per key.</li>
 *   <li>A cluster bootstrapped by recovery from a source's default posix repository mounts the
 *       source's {@code <source>-backups} claim read-only at {@link #SOURCE_CLAIM_MOUNT}.</li>
 * </ul>
 */
public final class PodBackups {

    /** The cluster's own {@code <cluster>-backups} claim. */
    public static final Path CLAIM_MOUNT = Path.of("/var/lib/pgset-backups");
    /** The recovery source's {@code <source>-backups} claim, read-only. */
    public static final Path SOURCE_CLAIM_MOUNT = Path.of("/var/lib/pgset-source-backups");
    /** One directory per s3 repository, by repository name. */
    public static final Path CREDENTIALS_MOUNT = Path.of("/etc/pgset/s3");
    /** The keys a credentials Secret must hold; each becomes a file of that name. */
    public static final String ACCESS_KEY_ID = io.pgset.core.config.S3Keys.ACCESS_KEY_ID;
    public static final String SECRET_ACCESS_KEY = io.pgset.core.config.S3Keys.SECRET_ACCESS_KEY;
    /**
     * The repository is a directory of the claim, not its root: the instance makes it private to
     * postgres (0700), which it cannot do to a mount point it does not own.
     */
    private static final String REPOSITORY = "repository";

    private PodBackups() {}

    /** The claim that holds a cluster's posix repository without a path. */
    public static String claimName(String cluster) {
        return cluster + "-backups";
    }

    /** Whether the cluster archives into a posix repository without a path, which needs its claim. */
    public static boolean needsClaim(ClusterSpec spec) {
        return spec.backup().enabled() && spec.backup().repositories().stream()
                .anyMatch(r -> r instanceof PosixRepository posix && posix.path().isEmpty());
    }

    /** What the pod passes as {@code InstanceOptions.withBackups}: where a posix repository without a path is. */
    public static Path defaultRepository() {
        return CLAIM_MOUNT.resolve(REPOSITORY);
    }

    /** The same directory on the recovery source's claim: its {@code RestoreSource.defaultPosixPath}. */
    public static Path sourceDefaultRepository() {
        return SOURCE_CLAIM_MOUNT.resolve(REPOSITORY);
    }

    /** The directory holding {@link #ACCESS_KEY_ID} and {@link #SECRET_ACCESS_KEY} of an s3 repository. */
    public static Path credentials(String repository) {
        return CREDENTIALS_MOUNT.resolve(repository);
    }

    /** Repository name to its credentials directory, for each s3 repository whose keys are in a Secret. */
    public static Map<String, Path> credentialDirectories(ClusterSpec spec) {
        Map<String, Path> directories = new LinkedHashMap<>();
        secretRepositories(spec).forEach(r -> directories.put(r.name(), credentials(r.name())));
        return directories;
    }

    /** The s3 repositories whose keys are in a Secret, in spec order. */
    public static List<S3Repository> secretRepositories(ClusterSpec spec) {
        if (!spec.backup().enabled()) {
            return List.of();
        }
        return spec.backup().repositories().stream()
                .filter(r -> r instanceof S3Repository s3 && !s3.credentials().secretName().isEmpty())
                .map(S3Repository.class::cast).toList();
    }
}
