package io.pgset.core.control;

import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.InstanceStatus;
import java.util.List;
import java.util.Optional;

/** Talks to an instance manager's API. */
public interface InstanceClient {

    /** Never throws: an unreachable instance yields {@link InstanceStatus#unreachable}. */
    InstanceStatus status(PodState pod);

    void ensureSlots(PodState primary, List<String> slots) throws Exception;

    /** Promotes a replica; returns once it accepts writes. */
    void promote(PodState pod) throws Exception;

    /**
     * Stops the primary cleanly and restarts it as a replica of {@code newPrimary}.
     *
     * @return the LSN of its shutdown checkpoint
     */
    String demote(PodState primary, PodState newPrimary) throws Exception;

    /** Makes {@code pod} stream from {@code primary}. */
    void follow(PodState pod, PodState primary) throws Exception;

    /** Makes the instance load the current spec's configuration; returns once postgres has reloaded it. */
    void reload(PodState pod) throws Exception;

    /** Stops postgres cleanly; its instance manager starts it again with the current configuration. */
    void restart(PodState pod) throws Exception;

    /**
     * Starts a backup of this type into repository {@code repo} (numbered from 1) on the primary's
     * own volume and returns at once: a backup can take hours, so {@link #lastBackup} follows it.
     * Only runtimes that have instance managers take backups (the local controller runs pgBackRest
     * itself), hence the default.
     *
     * @return the backup as the instance reports it once started
     * @throws BackupRefused when the instance will not start it now (one runs, it is not the primary)
     */
    default BackupReport startBackup(PodState primary, BackupType type, int repo) throws Exception {
        throw new UnsupportedOperationException("this runtime's instances take no backups when asked");
    }

    /** The backup the instance runs or ran last; empty when it ran none since its instance manager started. */
    default Optional<BackupReport> lastBackup(PodState pod) throws Exception {
        return Optional.empty();
    }

    /** An instance said no to a backup for now, and why: one runs already, or it is not the primary. */
    final class BackupRefused extends Exception {
        public BackupRefused(String why) {
            super(why);
        }
    }
}
