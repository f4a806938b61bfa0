package io.pgset.kubernetes.pod;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.PosixRepository;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.ClusterSpec.RepositorySpec;
import io.pgset.instance.RestoreSource;
import java.util.Optional;

/**
 * Which repository a recovery reads, from the source PostgresCluster's spec when it still exists:
 * the one {@code source.repository} names, or its first. A deleted source's spec is gone, but its
 * {@code <source>-backups} claim outlives it, so then the repository is the source's default
 * posix one (a deleted source's s3 repository cannot be described from here). The operator asks
 * the same question to know which claim the pods mount, so both answer it here.
 */
public final class RestoreSources {

    /** The name the spec gives a posix repository when it lists none. */
    private static final String DEFAULT_REPOSITORY = "local";

    private RestoreSources() {}

    /**
     * @param sourceSpec the source cluster's spec; empty when it no longer exists
     * @throws IllegalArgumentException naming the field of {@code spec.bootstrap.recovery.source} to change
     */
    public static RepositorySpec repository(RecoverySource source, Optional<ClusterSpec> sourceSpec) {
        if (sourceSpec.isEmpty()) {
            return new PosixRepository(source.repository().isEmpty() ? DEFAULT_REPOSITORY : source.repository(), "");
        }
        ClusterSpec from = sourceSpec.get();
        if (!from.backup().enabled() || from.backup().repositories().isEmpty()) {
            throw new IllegalArgumentException("spec.bootstrap.recovery.source.cluster: cluster " + source.cluster()
                    + " has no spec.backup, so no repository to restore from; name a cluster that archives");
        }
        if (source.repository().isEmpty()) {
            return from.backup().repositories().get(0);
        }
        return from.backup().repositories().stream().filter(r -> r.name().equals(source.repository())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("spec.bootstrap.recovery.source.repository: cluster "
                        + source.cluster() + " has no repository " + source.repository() + "; its repositories are "
                        + from.backup().repositories().stream().map(RepositorySpec::name).toList()
                        + " (leave it out for the first)"));
    }

    /** Whether the repository is a posix one without a path: the source's claim then holds it. */
    public static boolean onSourceClaim(RepositorySpec repository) {
        return repository instanceof PosixRepository posix && posix.path().isEmpty();
    }

    /** What a new cluster's first instance restores from; its default posix path is the source claim's mount. */
    public static RestoreSource restoreSource(RecoverySpec recovery, Optional<ClusterSpec> sourceSpec) {
        RepositorySpec repository = repository(recovery.source(), sourceSpec);
        return new RestoreSource(recovery.source().cluster(), repository, PodBackups.sourceDefaultRepository(),
                recovery.source().systemIdentifier(), recovery.target());
    }
}
