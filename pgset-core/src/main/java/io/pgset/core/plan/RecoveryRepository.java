package io.pgset.core.plan;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import java.util.Optional;

/**
 * Which repository a cluster bootstrapped by recovery reads, the same answer for both runtimes:
 * the one {@code source.repository} names in the source cluster's spec, or its first. A deleted
 * source's spec is gone, but its default posix repository outlives it (locally {@code delete}
 * keeps the backups directory, on Kubernetes the {@code <source>-backups} claim stays), so then
 * the repository is a posix one without a path under the name asked for: the runtime knows where
 * that lives. A deleted source's s3 repository cannot be described from here.
 */
public final class RecoveryRepository {

    /** The name the spec gives a posix repository when it lists none. */
    public static final String DEFAULT_NAME = "local";

    private RecoveryRepository() {}

    /**
     * @param sourceSpec the source cluster's spec; empty when it no longer exists
     * @throws IllegalArgumentException naming the field of {@code spec.bootstrap.recovery.source} to change
     */
    public static RepositorySpec choose(RecoverySource source, Optional<ClusterSpec> sourceSpec) {
        if (sourceSpec.isEmpty()) {
            return new PosixRepository(source.repository().isEmpty() ? DEFAULT_NAME : source.repository(), "");
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

    /** Whether the repository is a posix one without a path: it then lives where the source keeps its backups. */
    public static boolean atSourceDefault(RepositorySpec repository) {
        return repository instanceof PosixRepository posix && posix.path().isEmpty();
    }
}
