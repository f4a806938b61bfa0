package io.pgset.kubernetes.pod;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import io.pgset.core.plan.RecoveryRepository;
import io.pgset.instance.RestoreSource;
import java.util.Optional;

/**
 * Where a pod's recovery reads: the repository {@link RecoveryRepository} chooses, and a posix one
 * without a path is the source's {@code <source>-backups} claim, mounted in the pod.
 */
public final class RestoreSources {

    private RestoreSources() {}

    /** See {@link RecoveryRepository#choose}: the operator asks it too, to know which claim the pods mount. */
    public static RepositorySpec repository(RecoverySource source, Optional<ClusterSpec> sourceSpec) {
        return RecoveryRepository.choose(source, sourceSpec);
    }

    /** Whether the repository is a posix one without a path: the source's claim then holds it. */
    public static boolean onSourceClaim(RepositorySpec repository) {
        return RecoveryRepository.atSourceDefault(repository);
    }

    /** What a new cluster's first instance restores from; its default posix path is the source claim's mount. */
    public static RestoreSource restoreSource(RecoverySpec recovery, Optional<ClusterSpec> sourceSpec) {
        RepositorySpec repository = repository(recovery.source(), sourceSpec);
        return new RestoreSource(recovery.source().cluster(), repository, PodBackups.sourceDefaultRepository(),
                recovery.source().systemIdentifier(), recovery.target());
    }
}
