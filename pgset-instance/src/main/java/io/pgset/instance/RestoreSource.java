package io.pgset.instance;

import io.pgset.core.model.ClusterSpec.RecoveryTarget;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import java.nio.file.Path;

/**
 * Where a cluster bootstrapped by recovery restores from, as the runtime resolved
 * {@code spec.bootstrap.recovery.source}: the source's repository as its own spec describes it,
 * which pgset only reads.
 *
 * @param stanza           the source cluster's name
 * @param repository       the source's repository
 * @param defaultPosixPath where the source's posix repository without a path lives (locally the
 *                         source's {@code backups} directory, in a pod the mount of its claim)
 * @param systemIdentifier which incarnation of the source; empty when the repository holds one
 * @param target           where replay stops
 */
public record RestoreSource(String stanza, RepositorySpec repository, Path defaultPosixPath, String systemIdentifier,
        RecoveryTarget target) {

    /**
     * How an instance's message says that its restore failed for good: another attempt would fail
     * the same way until the spec changes, so whoever waits for the cluster may stop waiting.
     */
    public static final String FAILED = "restore failed (from cluster ";
}
