package io.pgset.kubernetes.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/**
 * The {@code spec} of a PostgresCluster: the same document the local runtime reads. Every field
 * is optional; absent fields take the defaults of pgset-core's SpecReader. The annotations give
 * the API server a first check (types, ranges, patterns); SpecReader makes the rest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresClusterSpec {

    @JsonPropertyDescription("How many instances (pods) the cluster runs; default 3")
    @Min(1)
    @Max(99)
    public Integer instances;

    /** As a StatefulSet spells it. */
    public enum PodManagementPolicy { OrderedReady, Parallel }

    @JsonPropertyDescription("How missing instances are created: OrderedReady (default) one at a time in ordinal"
            + " order, each once the one before is Ready; Parallel every missing replica in one pass, cloning the"
            + " ready primary together. Either way a new cluster's first pod (or a stopped cluster's primary) comes"
            + " alone first, and scale-down removes the highest ordinal first, one at a time")
    public PodManagementPolicy podManagementPolicy;

    public Postgres postgres;
    public Storage storage;
    public Replication replication;
    public Bootstrap bootstrap;
    @JsonPropertyDescription("Continuous WAL archiving and scheduled backups with pgBackRest; off when absent")
    public Backup backup;
    public Tls tls;
    public Network network;
    public Disruption disruption;
    public Failover failover;
    public Resources resources;
    @JsonPropertyDescription("Which nodes the instances' pods may run on")
    public Scheduling scheduling;
    public Services services;
    public Logging logging;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Postgres {
        @JsonPropertyDescription("PostgreSQL major version; default \"15\"")
        @Pattern("^[0-9]+$")
        public String version;
        @JsonPropertyDescription("Local runtime only: where the PostgreSQL binaries are")
        public String binDir;
        @JsonPropertyDescription("postgresql.conf parameters, values as strings (e.g. max_connections: \"200\")")
        public Map<String, String> parameters;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Storage {
        @JsonPropertyDescription("Size of each instance's volume claim, e.g. 1Gi; default 1Gi. Raising it"
                + " expands the claims; lowering it is refused")
        @Pattern("^[0-9]+(Ki|Mi|Gi|Ti)?$")
        public String size;
        @JsonPropertyDescription("Keep the volume of an instance removed by scale-down; default true")
        public Boolean retainOnScaleDown;
        @JsonPropertyDescription("Keep the volumes when the cluster is deleted; default true")
        public Boolean retainOnDelete;
        @JsonPropertyDescription("Storage class of the data claims; default the cluster's default class. A"
                + " StatefulSet's claims cannot change class: it applies to new clusters")
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        @Size(max = 253)
        public String storageClass;
        @JsonPropertyDescription("Share of size used at which an instance is StorageNearlyFull; default 80")
        @Min(1)
        @Max(99)
        public Integer alertPercent;
    }

    public enum LogFormat { text, json }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Logging {
        @JsonPropertyDescription("text or json (one JSON object a line) for each pod's instance manager; default text")
        public LogFormat format;
    }

    public enum Mode { async, sync }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Replication {
        @JsonPropertyDescription("sync (commits wait for ANY syncStandbys replicas) or async; default: sync from"
                + " 3 instances, async below, and it follows the number of instances when left out")
        public Mode mode;
        @Min(1)
        public Integer syncStandbys;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Bootstrap {
        public Initdb initdb;
        @JsonPropertyDescription("A new cluster from another cluster's pgBackRest backups instead of initdb: its"
                + " first instance restores, replays the archived WAL to the target and is promoted; the source is"
                + " only read. For a source whose repository is its default posix one, the pods mount the source's"
                + " <source>-backups claim read-only, which therefore must stay")
        public Recovery recovery;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Recovery {
        @Required
        public RecoverySource source;
        @JsonPropertyDescription("Where replay stops: one of time, lsn, name or immediate; none replays all archived WAL")
        @Size(max = 1)
        public RecoveryTarget target;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RecoverySource {
        @JsonPropertyDescription("The source PostgresCluster in this namespace (its stanza); it may have been deleted")
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @Size(max = 40)
        public String cluster;
        @JsonPropertyDescription("A repository of the source's spec.backup by name; default its first, or its default"
                + " posix repository (the <source>-backups claim) when the source no longer exists")
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @Size(max = 63)
        public String repository;
        @JsonPropertyDescription("Which incarnation of the source, as pg_controldata prints it; needed only when the"
                + " repository holds several")
        @Pattern("^[0-9]{1,20}$")
        public String systemIdentifier;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RecoveryTarget {
        @JsonPropertyDescription("A moment with its zone offset, e.g. 2026-11-29T10:00:00+00:00")
        @Pattern(TIME_WITH_OFFSET)
        public String time;
        @JsonPropertyDescription("A WAL location, e.g. 0/3000060")
        @Pattern("^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")
        public String lsn;
        @JsonPropertyDescription("A restore point made with pg_create_restore_point()")
        @Size(min = 1, max = 63)
        public String name;
        @JsonPropertyDescription("true: stop at the end of the backup, the earliest consistent point")
        public Boolean immediate;
    }

    /**
     * The shape of what java.time's OffsetDateTime reads (pgset-core's check): seconds and fraction
     * optional, an offset Z, +hh, +hh:mm or +hh:mm:ss. Core still refuses impossible dates.
     */
    static final String TIME_WITH_OFFSET = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?"
            + "(Z|[+-][0-9]{2}(:[0-9]{2}(:[0-9]{2})?)?)$";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Initdb {
        @JsonPropertyDescription("The application database; default app")
        @Pattern("^[a-z_][a-z0-9_]*$")
        public String database;
        @JsonPropertyDescription("The role that owns it (its password is in the <name>-app Secret); default app")
        @Pattern("^[a-z_][a-z0-9_]*$")
        public String owner;
        public Boolean dataChecksums;
        @JsonPropertyDescription("SQL run once in the new database, as its owner")
        public List<String> initSql;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Backup {
        @JsonPropertyDescription("pgBackRest repositories, the first is repo1; default one posix repository named local")
        public List<Repository> repositories;
        @JsonPropertyDescription("When backups run by themselves; default a full backup on Sundays at 03:00 and an"
                + " incremental one the other days; {} schedules none")
        public Schedule schedule;
        public Retention retention;
        public Archive archive;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Schedule {
        @JsonPropertyDescription("5-field cron expression for full backups; none when left out")
        public String full;
        @JsonPropertyDescription("5-field cron expression for differential backups; none when left out")
        public String differential;
        @JsonPropertyDescription("5-field cron expression for incremental backups; none when left out")
        public String incremental;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Repository {
        @Required
        public String name;
        @JsonPropertyDescription("posix (default) or s3")
        public String type;
        public String path;
        @JsonPropertyDescription("s3: host[:port], HTTPS")
        public String endpoint;
        public String bucket;
        public String region;
        @JsonPropertyDescription("s3: host (default) or path")
        public String uriStyle;
        public Credentials credentials;
        @JsonPropertyDescription("s3: CA certificate file; default the system's")
        public String caFile;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Credentials {
        @JsonPropertyDescription("Secret with the S3 access key and secret key")
        public String secretName;
        public String file;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Archive {
        @JsonPropertyDescription("archive_timeout, so a quiet cluster still archives; default 60")
        @Min(1)
        @Max(86400)
        public Integer timeoutSeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Retention {
        @Min(1)
        public Integer full;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tls {
        @JsonPropertyDescription("TLS for every connection, from the cluster's own CA; default true")
        public Boolean enabled;
        @Min(2)
        @Max(3650)
        public Integer validityDays;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Network {
        @JsonPropertyDescription("CIDRs whose clients may connect to postgres; when left out, every pod in the"
                + " cluster's namespace (locally: 127.0.0.1/32)")
        public List<String> allow;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Disruption {
        @JsonPropertyDescription("Most instances a voluntary disruption may take at once; default 1")
        @Min(1)
        public Integer maxUnavailable;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Failover {
        @JsonPropertyDescription("How long a lost primary is waited for before failing over; default 0")
        @Min(0)
        @Max(3600)
        public Integer delaySeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Scheduling {
        @JsonPropertyDescription("Node labels a node must have to run the instances")
        public Map<String, String> nodeSelector;
        @JsonPropertyDescription("Taints the instances tolerate, as in a pod spec")
        public List<Toleration> tolerations;
    }

    public enum TolerationOperator { Equal, Exists }

    public enum TaintEffect { NoSchedule, PreferNoSchedule, NoExecute }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Toleration {
        @JsonPropertyDescription("The taint's key; empty with operator Exists tolerates every taint")
        public String key;
        @JsonPropertyDescription("Equal (default) or Exists")
        public TolerationOperator operator;
        public String value;
        @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute; left out for all of them")
        public TaintEffect effect;
        @JsonPropertyDescription("With NoExecute: how long the pod stays on a node once it is tainted")
        @Min(0)
        public Long tolerationSeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Services {
        @JsonPropertyDescription("The <name>-rw Service, which reaches the primary")
        public ServiceSpec rw;
    }

    public enum ServiceType { ClusterIP, LoadBalancer }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ServiceSpec {
        @JsonPropertyDescription("ClusterIP (default) or LoadBalancer; LoadBalancer needs network.allow, which"
                + " becomes its source ranges")
        public ServiceType type;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Resources {
        @JsonPropertyDescription("cpu and memory requested per instance; default cpu 250m, memory 512Mi")
        public Map<String, String> requests;
        @JsonPropertyDescription("cpu and memory limits per instance; default memory 1Gi")
        public Map<String, String> limits;
    }
}
