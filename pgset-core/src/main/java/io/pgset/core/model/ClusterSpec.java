package io.pgset.core.model;

import java.util.List;
import java.util.Map;

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
        ResourcesSpec resources) {

    public ClusterSpec {
        postgres = postgres.withSortedParameters();
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
                network, disruption, failover, resources);
    }

    public record PostgresSpec(String version, String binDir, Map<String, String> parameters) {
        PostgresSpec withSortedParameters() {
            return new PostgresSpec(version, binDir, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(parameters)));
        }
    }

    public record StorageSpec(String size, boolean retainOnScaleDown, boolean retainOnDelete) {}

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

    public record BootstrapSpec(InitdbSpec initdb) {}

    public record InitdbSpec(String database, String owner, boolean dataChecksums, List<String> initSql) {}

    /**
     * Continuous archiving and backups with pgBackRest; {@code enabled} is false when the spec has
     * no backup section. Repositories are in spec order: the first is pgBackRest's {@code repo1}.
     */
    public record BackupSpec(boolean enabled, List<RepositorySpec> repositories, String schedule,
            RetentionSpec retention, ArchiveSpec archive) {
        public BackupSpec {
            repositories = List.copyOf(repositories);
        }
    }

    /** Where pgBackRest keeps backups and archived WAL; {@code name} is unique within the cluster. */
    public sealed interface RepositorySpec permits PosixRepository, S3Repository {
        String name();
    }

    /** A directory; an empty {@code path} means the runtime's default. */
    public record PosixRepository(String name, String path) implements RepositorySpec {}

    public enum UriStyle { HOST, PATH }

    /**
     * An S3 bucket over HTTPS. {@code endpoint} is a host with an optional {@code :port};
     * {@code caFile} empty means the system's certificate authorities.
     */
    public record S3Repository(String name, String endpoint, String bucket, String region, String path,
            UriStyle uriStyle, S3Credentials credentials, String caFile) implements RepositorySpec {

        /** The endpoint without its port. */
        public String host() {
            int colon = endpoint.indexOf(':');
            return colon < 0 ? endpoint : endpoint.substring(0, colon);
        }

        /** The endpoint's port, 443 (HTTPS) when it names none. */
        public int port() {
            int colon = endpoint.indexOf(':');
            return colon < 0 ? 443 : Integer.parseInt(endpoint.substring(colon + 1));
        }
    }

    /** Exactly one of a Kubernetes Secret's name or a local secrets file; the other is empty. */
    public record S3Credentials(String secretName, String file) {}

    public record RetentionSpec(int full) {}

    /** {@code timeoutSeconds} becomes archive_timeout, so a quiet cluster still archives. */
    public record ArchiveSpec(int timeoutSeconds) {}

    /** TLS for every connection; certificates from the cluster's own CA live {@code validityDays}. */
    public record TlsSpec(boolean enabled, int validityDays) {}

    public record NetworkSpec(List<String> allow) {}

    public record DisruptionSpec(int maxUnavailable) {}

    public record FailoverSpec(int delaySeconds) {}

    /**
     * CPU and memory for each instance's pod in Kubernetes ({@code cpu}, {@code memory} keys in
     * Kubernetes quantity form); the local runtime does not limit its processes.
     */
    public record ResourcesSpec(Map<String, String> requests, Map<String, String> limits) {}
}
