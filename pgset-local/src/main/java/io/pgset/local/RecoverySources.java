package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import io.pgset.core.plan.RecoveryRepository;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.RestoreSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a local recovery reads: the repository {@link RecoveryRepository} chooses from the source
 * cluster's spec on this machine, and a posix one without a path is the source's backups directory,
 * which {@code delete} keeps, so a deleted source can still be recovered.
 */
public final class RecoverySources {

    private RecoverySources() {}

    /** Empty unless {@code spec.bootstrap.recovery} is set. */
    public static Optional<RestoreSource> resolve(ClusterSpec spec, Path pgsetHome) {
        return spec.bootstrap().recovery().map(recovery -> resolve(recovery, pgsetHome));
    }

    private static RestoreSource resolve(RecoverySpec recovery, Path pgsetHome) {
        String cluster = recovery.source().cluster();
        ClusterHome source = ClusterHome.of(pgsetHome, cluster);
        Optional<ClusterSpec> sourceSpec = Files.exists(source.spec()) ? Optional.of(SpecReader.read(source.spec()))
                : Optional.empty();
        RepositorySpec repository;
        try {
            repository = RecoveryRepository.choose(recovery.source(), sourceSpec);
        } catch (IllegalArgumentException e) {
            throw new PgsetException(e.getMessage());
        }
        if (RecoveryRepository.atSourceDefault(repository) && !Files.isDirectory(source.backups())) {
            throw new PgsetException("spec.bootstrap.recovery.source: there are no backups of cluster " + cluster
                    + " on this machine (" + source.backups() + " does not exist); check the name with `pgset status`"
                    + " or `pgset backups " + cluster + "`");
        }
        return new RestoreSource(cluster, repository, source.backups(), recovery.source().systemIdentifier(),
                recovery.target());
    }
}
