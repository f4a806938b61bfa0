package io.pgset.core.control;

import java.util.Objects;
import java.util.Optional;

/**
 * Something the controller decided or saw, built where it happens. Runtimes publish it as it is:
 * locally a line of {@code events.log}, in Kubernetes an Event on the PostgresCluster whose
 * reason and type are {@link #reason} and {@link #severity}. Nothing reads the message back.
 *
 * @param reason   what kind of thing happened
 * @param severity whether someone may need to look
 * @param cluster  the cluster it concerns
 * @param pod      the instance it concerns, when it concerns one
 * @param message  what happened and why, in words for a person
 */
public record Event(Reason reason, Severity severity, String cluster, Optional<String> pod, String message) {

    /** What kind of thing happened. The names are published as they are (Kubernetes Event reasons). */
    public enum Reason {
        Create,
        Delete,
        Fence,
        Promote,
        PrimaryChanged,
        Switchover,
        Follow,
        Reload,
        Restart,
        Waiting,
        Failed,
        /** An instance's volume has no space left; postgres stopped or cannot start. */
        VolumeFull,
        /** An instance's volume reached {@code storage.alertPercent} of its capacity. */
        StorageNearlyFull,
        /** An instance's volume uses its whole capacity (or its filesystem has no room left). */
        StorageAtCapacity,
        /** An instance's volume is below its alert again (a larger size, or space freed). */
        StorageRecovered,
        /** An instance moved a data directory it could not use aside, keeping it. */
        DataMovedAside,
        /** postgres refused a new configuration; the instance went back to its last good one. */
        ConfigRejected,
        /** A rollout makes no progress; the message says why and how to go back. */
        RolloutStalled,
        /** The primary's WAL archiving started failing; segments wait in its pg_wal. */
        ArchivingFailing,
        /** The primary's WAL archiving works again after failing. */
        ArchivingRecovered,
        /** A scheduled backup began: its type, the instance its files come from, the repository. */
        BackupStarted,
        /** A scheduled backup ended well: its duration, size and label. */
        BackupCompleted,
        /** A scheduled backup failed: pgBackRest's reason; the next one runs at the next scheduled time. */
        BackupFailed,
        /** A replica's data was made anew: restored from the backup repository or copied by pg_basebackup. */
        Cloned
    }

    public enum Severity {
        NORMAL,
        WARNING
    }

    public Event {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(cluster, "cluster");
        pod = pod == null ? Optional.empty() : pod;
        message = message == null ? "" : message;
    }

    /** @param pod the instance it concerns, or null */
    public static Event normal(Reason reason, String cluster, String pod, String message) {
        return new Event(reason, Severity.NORMAL, cluster, Optional.ofNullable(pod), message);
    }

    /** @param pod the instance it concerns, or null */
    public static Event warning(Reason reason, String cluster, String pod, String message) {
        return new Event(reason, Severity.WARNING, cluster, Optional.ofNullable(pod), message);
    }

    /** The event as a log line names it: {@code cluster=demo pod=demo-1 promote demo-1: ...}. */
    public String describe() {
        return "cluster=" + cluster + pod.map(p -> " pod=" + p).orElse("") + " " + message;
    }
}
