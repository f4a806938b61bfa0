package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.PosixRepository;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.ClusterSpec.RepositorySpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.RestoreSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds on this machine the repository that a cluster bootstrapped by recovery restores from:
 * the source cluster's own spec names its repositories; a deleted source left its default posix
 * repository behind ({@code delete} keeps it), which is then the only one that can be found.
 */
public final class RecoverySources {

    private RecoverySources() {}

    /** Empty unless {@code spec.bootstrap.recovery} is set. */
    public static Optional<RestoreSource> resolve(ClusterSpec spec, Path pgsetHome) {
        return spec.bootstrap().recovery().map(recovery -> resolve(recovery, pgsetHome));
    }

    private static RestoreSource resolve(RecoverySpec recovery, Path pgsetHome) {
        String cluster = recovery.source().cluster();
        String wanted = recovery.source().repository();
        ClusterHome source = ClusterHome.of(pgsetHome, cluster);
        RepositorySpec repository;
        if (Files.exists(source.spec())) {
            ClusterSpec sourceSpec = SpecReader.read(source.spec());
            if (!sourceSpec.backup().enabled()) {
                throw new PgsetException("spec.bootstrap.recovery.source.cluster: cluster " + cluster + " has no"
                        + " spec.backup, so it has no backups to recover from");
            }
            repository = wanted.isEmpty() ? sourceSpec.backup().repositories().get(0)
                    : sourceSpec.backup().repositories().stream().filter(r -> r.name().equals(wanted)).findFirst()
                            .orElseThrow(() -> new PgsetException("spec.bootstrap.recovery.source.repository: cluster "
                                    + cluster + " has no repository named " + wanted + " (it has: " + String.join(", ",
                                    sourceSpec.backup().repositories().stream().map(RepositorySpec::name).toList()) + ")"));
        } else if (wanted.isEmpty() || wanted.equals("local")) {
            repository = new PosixRepository("local", "");
        } else {
            throw new PgsetException("spec.bootstrap.recovery.source.repository: cluster " + cluster + " is gone, and its"
                    + " spec with it, so only its default repository (local, kept in " + source.backups() + ") can be"
                    + " found; leave the repository out");
        }
        if (repository instanceof PosixRepository posix && posix.path().isEmpty() && !Files.isDirectory(source.backups())) {
            throw new PgsetException("spec.bootstrap.recovery.source: there are no backups of cluster " + cluster
                    + " on this machine (" + source.backups() + " does not exist); check the name with `pgset status`"
                    + " or `pgset backups " + cluster + "`");
        }
        return new RestoreSource(cluster, repository, source.backups(), recovery.source().systemIdentifier(),
                recovery.target());
    }
}
