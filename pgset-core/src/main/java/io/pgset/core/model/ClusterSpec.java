package io.pgset.core.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL cluster as the user asked for it, with every default applied.
 *
 * <p>Only {@link io.pgset.core.spec.SpecReader} builds these from user input; it validates and
 * defaults once, so code that receives a ClusterSpec never checks for null or range.
 */
public record ClusterSpec(
        String name,
        int instances,
        PostgresSpec postgres,
        StorageSpec storage,
        ReplicationSpec replication,
        BootstrapSpec bootstrap,
        BackupSpec backup,
        TlsSpec tls,
        NetworkSpec network,
        DisruptionSpec disruption,
        FailoverSpec failover,
        ResourcesSpec resources,
        LoggingSpec logging,
        SchedulingSpec scheduling,
        ServicesSpec services,
        PodManagementPolicy podManagementPolicy) {

    public ClusterSpec {
        postgres = postgres.withSortedParameters();
        logging = logging == null ? LoggingSpec.INHERIT : logging;
    }

    /** A spec that says nothing about logging, scheduling, services or how instances are created. */
    public ClusterSpec(String name, int instances, PostgresSpec postgres, StorageSpec storage,
                       ReplicationSpec replication, BootstrapSpec bootstrap, BackupSpec backup, TlsSpec tls,
                       NetworkSpec network, DisruptionSpec disruption, FailoverSpec failover, ResourcesSpec resources) {
        this(name, instances, postgres, storage, replication, bootstrap, backup, tls, network, disruption, failover,
                resources, LoggingSpec.INHERIT, SchedulingSpec.NONE, ServicesSpec.DEFAULT,
                PodManagementPolicy.ORDERED_READY);
    }

    /** The stable name of the instance with this ordinal: {@code demo-0}, {@code demo-1}, ... */
    public String podName(int ordinal) {
        return new PodName(name, ordinal).toString();
    }

    /** The volume that belongs to an ordinal for life: {@code data-demo-0}. */
    public String volumeName(int ordinal) {
        return new PodName(name, ordinal).volume();
    }

    /** The replication slot the primary keeps for a replica ordinal (slot names allow [a-z0-9_]). */
    public String slotName(int ordinal) {
        return ("pgset_" + name + "_" + ordinal).replace('-', '_');
    }

    /** The same cluster with {@code count} instances; a replication mode the spec left out follows the count. */
    public ClusterSpec withInstances(int count) {
        return new ClusterSpec(name, count, postgres, storage, replication.forInstances(count), bootstrap, backup, tls,
                network, disruption, failover, resources, logging, scheduling, services, podManagementPolicy);
    }

    /** The same cluster, creating its missing instances under {@code policy}. */
    public ClusterSpec withPodManagementPolicy(PodManagementPolicy policy) {
        return new ClusterSpec(name, instances, postgres, storage, replication, bootstrap, backup, tls, network,
                disruption, failover, resources, logging, scheduling, services, policy);
    }

    public record PostgresSpec(String version, String binDir, Map<String, String> parameters) {
        PostgresSpec withSortedParameters() {
            return new PostgresSpec(version, binDir, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(parameters)));
        }
    }

    /**
     * Each instance's volume.
     *
     * @param size         the capacity: locally what the volume's use is measured against, in
     *                     Kubernetes the claim's request (1Gi when the spec gives none)
     * @param alertPercent the share of {@code size} used at which the instance is reported nearly full
     * @param explicitSize whether the spec gives the size; locally, without one, the capacity is what
     *                     the volume's filesystem has room for
     * @param storageClass Kubernetes only: the data claims' storage class; empty for the cluster's default
     */
    public record StorageSpec(String size, boolean retainOnScaleDown, boolean retainOnDelete, int alertPercent,
                              boolean explicitSize, String storageClass) {

        public static final int DEFAULT_ALERT_PERCENT = 80;

        /** A spec that gives this size, alerting at the default share. */
        public StorageSpec(String size, boolean retainOnScaleDown, boolean retainOnDelete) {
            this(size, retainOnScaleDown, retainOnDelete, DEFAULT_ALERT_PERCENT, true, "");
        }

        /** In the cluster's default storage class. */
        public StorageSpec(String size, boolean retainOnScaleDown, boolean retainOnDelete, int alertPercent,
                           boolean explicitSize) {
            this(size, retainOnScaleDown, retainOnDelete, alertPercent, explicitSize, "");
        }

        /** The size in bytes. */
        public long sizeBytes() {
            return ByteSize.bytes(size);
        }
    }

    /**
     * The format of the log lines pgset's own processes write.
     *
     * @param format empty: what the process that starts them uses ({@code --log-format}, or
     *               {@code PGSET_LOG_FORMAT}, else text)
     */
    public record LoggingSpec(Optional<LogFormat> format) {
        public static final LoggingSpec INHERIT = new LoggingSpec(Optional.empty());
    }

    public enum ReplicationMode { ASYNC, SYNC }

    /**
     * How commits reach the standbys.
     *
     * @param explicitMode whether the spec names the mode; when it does not, the mode is
     *                     {@link #defaultMode(int)} for the number of instances, and follows it
     *                     when the cluster is scaled
     */
    public record ReplicationSpec(ReplicationMode mode, int syncStandbys, boolean explicitMode) {

        /**
         * Sync ({@code ANY syncStandbys}) once there are two standbys, so that no acknowledged
         * commit is lost in a failover and one standby may be down without stalling writes; async
         * with fewer, where sync would stop every write while the only standby is away.
         */
        public static ReplicationMode defaultMode(int instances) {
            return instances - 1 >= 2 ? ReplicationMode.SYNC : ReplicationMode.ASYNC;
        }

        ReplicationSpec forInstances(int instances) {
            return explicitMode ? this : new ReplicationSpec(defaultMode(instances), syncStandbys, false);
        }
    }

    /**
     * How a new cluster's first instance gets its database: initdb, or, when {@code recovery} is
     * present, a restore from another cluster's backups (then {@code initdb} is not used).
     */
    public record BootstrapSpec(InitdbSpec initdb, Optional<RecoverySpec> recovery) {
        public BootstrapSpec(InitdbSpec initdb) {
            this(initdb, Optional.empty());
        }
    }

    /**
     * Point-in-time recovery into a new cluster: restore from the {@code source}'s pgBackRest
     * repository, replay its archived WAL up to {@code target}, promote. The source is only read.
     */
    public record RecoverySpec(RecoverySource source, RecoveryTarget target) {}

    /**
     * @param cluster          the source cluster's name, which is its pgBackRest stanza; it may
     *                         have been deleted, its repository outlives it
     * @param repository       a repository of the source's {@code spec.backup} by name; empty for
     *                         its first, or the runtime's default when the source is gone
     * @param systemIdentifier which incarnation of the source (a repository keeps one archive per
     *                         system identifier); empty when the repository holds only one
     */
    public record RecoverySource(String cluster, String repository, String systemIdentifier) {}

    /** Where replay stops; {@code value} is empty for {@code LATEST} and {@code IMMEDIATE}. */
    public record RecoveryTarget(TargetType type, String value) {
        public enum TargetType {
            /** the end of the archived WAL */
            LATEST,
            /** a moment, an ISO-8601 date and time with its zone offset */
            TIME,
            /** a WAL location such as 0/3000060 */
            LSN,
            /** a restore point made with pg_create_restore_point() */
            NAME,
            /** the end of the backup: the earliest consistent point */
            IMMEDIATE
        }

        public static RecoveryTarget latest() {
            return new RecoveryTarget(TargetType.LATEST, "");
        }
    }

    public record InitdbSpec(String database, String owner, boolean dataChecksums, List<String> initSql) {}

    /** TLS for every connection; certificates from the cluster's own CA live {@code validityDays}. */
    public record TlsSpec(boolean enabled, int validityDays) {}

    /**
     * Where clients may connect from.
     *
     * @param allow the networks; when the spec leaves them out, the local runtime's default
     *              ({@code 127.0.0.1/32}, where its rw and ro services see every client from)
     * @param given whether the spec names them: on Kubernetes, a cluster whose spec does not
     *              admits the pods of its own namespace instead (whose addresses are not known
     *              in advance), and the NetworkPolicy confines it to them
     */
    public record NetworkSpec(List<String> allow, boolean given) {
        public NetworkSpec {
            allow = List.copyOf(allow);
        }
    }

    public record DisruptionSpec(int maxUnavailable) {}

    public record FailoverSpec(int delaySeconds) {}

    /**
     * CPU and memory for each instance's pod in Kubernetes ({@code cpu}, {@code memory} keys in
     * Kubernetes quantity form); the local runtime does not limit its processes.
     */
    public record ResourcesSpec(Map<String, String> requests, Map<String, String> limits) {}
}
