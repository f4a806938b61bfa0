package io.pgset.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What one instance manager reports about its postgres ({@code GET /status}).
 *
 * @param pod            instance name, e.g. {@code demo-1}
 * @param role           primary or replica as postgres itself says (pg_is_in_recovery)
 * @param started        the instance finished bootstrap and postgres accepted a connection once
 * @param ready          fit to serve: a primary accepting writes, or a replica that streams
 * @param postgresPid    the postmaster's pid, 0 when not running
 * @param timeline       current timeline (for a replica: the one it receives)
 * @param lsn            primary: current write LSN; replica: last replayed LSN; null when unknown
 * @param receivedLsn    replica: last WAL position received from the primary; null on a primary
 * @param streaming      replica: its WAL receiver is streaming
 * @param volumeBytes    bytes used on the instance's volume
 * @param restarts       how often the instance manager restarted a crashed postgres
 * @param message        why it is not ready, when it is not
 * @param upstream       replica: the {@code host:port} it is configured to stream from; empty otherwise
 * @param specVersion    the version of the spec whose configuration postgres has loaded; empty from an
 *                       instance that does not report one (it is then not reloaded by the controller)
 * @param pendingRestart parameters loaded from that spec that postgres applies only when restarted
 * @param certificateExpires when the instance's server certificate expires (ISO-8601); empty without TLS
 * @param storage        free space on the volume, whether it is full, and data moved aside there
 * @param configRejected why postgres refused the configuration of {@code specVersion}, which the instance
 *                       then left for its last good one that it runs on; empty when it took it
 * @param lagSeconds     replica: how far its replay is behind, in time ({@code now() -
 *                       pg_last_xact_replay_timestamp()} while received WAL waits to be replayed,
 *                       else 0); 0 on a primary
 * @param archive        WAL archiving as this instance's postgres reports it ({@link ArchiveStatus#UNKNOWN}
 *                       when it was not asked)
 * @param lastClone      how this instance's manager last made the replica's data anew; null when it has not
 * @param activity       client connections and the cumulative commit count ({@link Activity#UNKNOWN} when
 *                       not asked)
 */
public record InstanceStatus(
        String pod,
        Role role,
        boolean started,
        boolean ready,
        long postgresPid,
        long timeline,
        String lsn,
        String receivedLsn,
        boolean streaming,
        long volumeBytes,
        int restarts,
        String message,
        String upstream,
        String specVersion,
        List<PendingRestart> pendingRestart,
        String certificateExpires,
        Storage storage,
        String configRejected,
        double lagSeconds,
        ArchiveStatus archive,
        Clone lastClone,
        Activity activity) {

    /**
     * What clients do on this postgres, for the dashboard's charts; the controller turns two
     * commit counts into transactions per second.
     *
     * @param connections client backends in pg_stat_activity, less the status query's own; -1 when unknown
     * @param commits     committed transactions since the statistics were last reset, summed over the
     *                    databases of pg_stat_database (postgres_exporter's {@code pg_stat_database_xact_commit})
     *                    but the maintenance database {@code postgres}, where pgset's own queries run; -1
     *                    when unknown
     */
    public record Activity(int connections, long commits) {
        public static final Activity UNKNOWN = new Activity(-1, -1);
    }

    /**
     * How a replica's data was last made anew by its instance manager, so that the controller can
     * tell which way was taken and what it cost: a restore from the backup repository is cheap for
     * the primary, pg_basebackup reads every file from it.
     *
     * @param method  which way
     * @param backup  the backup label restored; empty for pg_basebackup
     * @param seconds how long the copy took, until the data was in place (replay and streaming follow)
     * @param at      when it was in place (ISO-8601), which tells one clone from the next
     * @param whyNotRepository for pg_basebackup: why the repository was not used (no backup yet, no
     *                spec.backup, or the restore failed and why)
     * @param restoreFailed for pg_basebackup: a restore from the repository was tried and failed
     */
    public record Clone(Method method, String backup, double seconds, String at, String whyNotRepository,
                        boolean restoreFailed) {

        public enum Method {
            /** pgbackrest restore --type=standby of a backup, then WAL from the archive and the primary */
            REPOSITORY,
            /** pg_basebackup from the primary */
            PG_BASEBACKUP
        }

        public Clone {
            backup = backup == null ? "" : backup;
            at = at == null ? "" : at;
            whyNotRepository = whyNotRepository == null ? "" : whyNotRepository;
        }
    }

    /**
     * The volume as its instance manager sees it.
     *
     * @param freeBytes     bytes still free on the volume's filesystem; -1 when unknown
     * @param full          postgres stopped (or cannot start) because the filesystem has no space left
     * @param keptCopies    data directories moved aside because they could not be used (never deleted:
     *                      {@code pgdata.broken-<time>}), relative to the volume
     * @param usedBytes     bytes the volume's files take; -1 when not measured yet
     * @param capacityBytes what the volume may hold ({@link VolumeCapacity#capacity}); -1 when unknown.
     *                      This is the one figure of a volume's capacity that status and metrics report.
     * @param alertPercent  the share of the capacity from which the volume is nearly full
     */
    @JsonIgnoreProperties(value = {"level", "percentUsed"}, allowGetters = true)
    public record Storage(long freeBytes, boolean full, List<String> keptCopies, long usedBytes, long capacityBytes,
                          int alertPercent) {
        public static final Storage UNKNOWN = new Storage(-1, false, List.of());

        public Storage {
            keptCopies = keptCopies == null ? List.of() : List.copyOf(keptCopies);
            alertPercent = alertPercent <= 0 ? ClusterSpec.StorageSpec.DEFAULT_ALERT_PERCENT : alertPercent;
        }

        /** Free space and fullness only, capacity unknown. */
        public Storage(long freeBytes, boolean full, List<String> keptCopies) {
            this(freeBytes, full, keptCopies, -1, -1, ClusterSpec.StorageSpec.DEFAULT_ALERT_PERCENT);
        }

        /** How full the volume is against its capacity. */
        @JsonProperty("level")
        public StorageLevel level() {
            return VolumeCapacity.level(usedBytes, capacityBytes, alertPercent, full);
        }

        /** Whole percent of the capacity used; -1 when unknown. */
        @JsonProperty("percentUsed")
        public int percentUsed() {
            return VolumeCapacity.percent(usedBytes, capacityBytes);
        }

        /** For status: {@code 52.1 MiB of 64.0 MiB (81%)}; empty when the capacity is unknown. */
        public String describeUse() {
            if (capacityBytes <= 0 || usedBytes < 0) {
                return "";
            }
            return ByteSize.describe(usedBytes) + " of " + ByteSize.describe(capacityBytes) + " (" + percentUsed()
                    + "%)";
        }
    }

    public InstanceStatus {
        storage = storage == null ? Storage.UNKNOWN : storage;
        specVersion = specVersion == null ? "" : specVersion;
        pendingRestart = pendingRestart == null ? List.of() : List.copyOf(pendingRestart);
        certificateExpires = certificateExpires == null ? "" : certificateExpires;
        configRejected = configRejected == null ? "" : configRejected;
        archive = archive == null ? ArchiveStatus.UNKNOWN : archive;
        activity = activity == null ? Activity.UNKNOWN : activity;
    }

    public InstanceStatus(String pod, Role role, boolean started, boolean ready, long postgresPid, long timeline,
                          String lsn, String receivedLsn, boolean streaming, long volumeBytes, int restarts,
                          String message, String upstream, String specVersion, List<PendingRestart> pendingRestart,
                          String certificateExpires, Storage storage, String configRejected, double lagSeconds,
                          ArchiveStatus archive, Clone lastClone) {
        this(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming, volumeBytes, restarts,
                message, upstream, specVersion, pendingRestart, certificateExpires, storage, configRejected, lagSeconds,
                archive, lastClone, Activity.UNKNOWN);
    }

    public InstanceStatus(String pod, Role role, boolean started, boolean ready, long postgresPid, long timeline,
                          String lsn, String receivedLsn, boolean streaming, long volumeBytes, int restarts,
                          String message, String upstream, String specVersion, List<PendingRestart> pendingRestart,
                          String certificateExpires, Storage storage, String configRejected, double lagSeconds,
                          ArchiveStatus archive) {
        this(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming, volumeBytes, restarts,
                message, upstream, specVersion, pendingRestart, certificateExpires, storage, configRejected, lagSeconds,
                archive, null);
    }

    public InstanceStatus(String pod, Role role, boolean started, boolean ready, long postgresPid, long timeline,
                          String lsn, String receivedLsn, boolean streaming, long volumeBytes, int restarts,
                          String message, String upstream, String specVersion, List<PendingRestart> pendingRestart,
                          String certificateExpires, Storage storage, String configRejected, double lagSeconds) {
        this(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming, volumeBytes, restarts,
                message, upstream, specVersion, pendingRestart, certificateExpires, storage, configRejected, lagSeconds,
                ArchiveStatus.UNKNOWN);
    }

    public InstanceStatus(String pod, Role role, boolean started, boolean ready, long postgresPid, long timeline,
                          String lsn, String receivedLsn, boolean streaming, long volumeBytes, int restarts,
                          String message, String upstream, String specVersion, List<PendingRestart> pendingRestart,
                          String certificateExpires, Storage storage) {
        this(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming, volumeBytes, restarts,
                message, upstream, specVersion, pendingRestart, certificateExpires, storage, "", 0);
    }

    /** A status that says nothing about configuration (not yet loaded, or not asked). */
    public InstanceStatus(String pod, Role role, boolean started, boolean ready, long postgresPid, long timeline,
                          String lsn, String receivedLsn, boolean streaming, long volumeBytes, int restarts,
                          String message, String upstream) {
        this(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming, volumeBytes, restarts,
                message, upstream, "", List.of(), "", Storage.UNKNOWN, "", 0);
    }

    public static InstanceStatus unreachable(String pod, String why) {
        return new InstanceStatus(pod, Role.UNKNOWN, false, false, 0, 0, null, null, false, 0, 0, why, "");
    }

    public InstanceStatus withConfig(String version, List<PendingRestart> pending) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, version, pending, certificateExpires, storage, configRejected,
                lagSeconds, archive, lastClone, activity);
    }

    public InstanceStatus withCertificateExpires(String expires) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, specVersion, pendingRestart, expires, storage, configRejected,
                lagSeconds, archive, lastClone, activity);
    }

    public InstanceStatus withStorage(Storage volume) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, specVersion, pendingRestart, certificateExpires, volume,
                configRejected, lagSeconds, archive, lastClone, activity);
    }

    public InstanceStatus withConfigRejected(String why) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, specVersion, pendingRestart, certificateExpires, storage, why,
                lagSeconds, archive, lastClone, activity);
    }

    public InstanceStatus withMessage(String why) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, why, upstream, specVersion, pendingRestart, certificateExpires, storage,
                configRejected, lagSeconds, archive, lastClone, activity);
    }

    public InstanceStatus withLagSeconds(double seconds) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, specVersion, pendingRestart, certificateExpires, storage,
                configRejected, seconds, archive, lastClone, activity);
    }

    public InstanceStatus withArchive(ArchiveStatus archiving) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, specVersion, pendingRestart, certificateExpires, storage,
                configRejected, lagSeconds, archiving, lastClone, activity);
    }

    public InstanceStatus withClone(Clone made) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, specVersion, pendingRestart, certificateExpires, storage,
                configRejected, lagSeconds, archive, made, activity);
    }

    public InstanceStatus withActivity(Activity clients) {
        return new InstanceStatus(pod, role, started, ready, postgresPid, timeline, lsn, receivedLsn, streaming,
                volumeBytes, restarts, message, upstream, specVersion, pendingRestart, certificateExpires, storage,
                configRejected, lagSeconds, archive, lastClone, clients);
    }

    /** The received position for a replica (falling back to replayed), the write position for a primary. */
    public String newestLsn() {
        return receivedLsn != null ? receivedLsn : lsn;
    }
}
