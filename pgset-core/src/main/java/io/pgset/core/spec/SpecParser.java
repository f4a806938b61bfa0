package io.pgset.core.spec;

import io.pgset.core.config.HbaRenderer;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.BootstrapSpec;
import io.pgset.core.model.ClusterSpec.DisruptionSpec;
import io.pgset.core.model.ClusterSpec.FailoverSpec;
import io.pgset.core.model.ClusterSpec.InitdbSpec;
import io.pgset.core.model.ClusterSpec.NetworkSpec;
import io.pgset.core.model.ClusterSpec.PostgresSpec;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.ClusterSpec.RecoveryTarget;
import io.pgset.core.model.ClusterSpec.RecoveryTarget.TargetType;
import io.pgset.core.model.ClusterSpec.ReplicationMode;
import io.pgset.core.model.ClusterSpec.ReplicationSpec;
import io.pgset.core.model.ClusterSpec.ResourcesSpec;
import io.pgset.core.model.ClusterSpec.StorageSpec;
import io.pgset.core.model.ClusterSpec.TlsSpec;
import io.pgset.core.model.ClusterSpec.LoggingSpec;
import io.pgset.core.model.ByteSize;
import io.pgset.core.model.LogFormat;
import io.pgset.core.model.PodManagementPolicy;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a parsed spec document field by field and applies every default. The defaults live here
 * and nowhere else.
 */
final class SpecParser {

    static final String API_VERSION = "pgset.io/v1alpha1";
    static final String KIND = "PostgresCluster";

    private static final Rule DNS_1035 = Rule.matching("must be a DNS-1035 label (lowercase letters,"
            + " digits and '-', starting with a letter and ending with a letter or digit)",
            "[a-z]([-a-z0-9]*[a-z0-9])?");
    /**
     * Leaves room for what pgset derives from the name (pod demo-12, volume data-demo-12, slot
     * pgset_demo_12) within the 63-character limits of Kubernetes names and PostgreSQL identifiers.
     */
    private static final Rule NAME_LENGTH = Rule.maxLength(40);
    static final Rule DNS_1123 = Rule.matching("must be a DNS-1123 label (lowercase letters,"
            + " digits and '-', starting and ending with a letter or digit)", "[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Rule NAMESPACE_LENGTH = Rule.maxLength(63);
    private static final Rule VERSION = Rule.matching("must be a PostgreSQL major version such as \"15\"",
            "[0-9]+");
    private static final Rule SUPPORTED_VERSION = Rule.oneOf("12", "13", "14", "15", "16", "17");
    static final Rule SINGLE_LINE = Rule.of("must not contain line breaks or other control characters",
            value -> value.chars().noneMatch(Character::isISOControl));
    static final Rule ABSOLUTE_PATH = Rule.of("must be an absolute path", path -> path.startsWith("/"));
    private static final Rule QUANTITY = Rule.matching("must be a size such as 1Gi (a whole number of bytes,"
            + " optionally with a Ki, Mi, Gi or Ti suffix)", "[0-9]+(Ki|Mi|Gi|Ti)?");
    /** Far beyond any volume, and far from the overflow of a byte count. */
    private static final Rule SIZE_RANGE = Rule.of("must be at most 1024Ti", SpecParser::atMostPetabyte);
    private static final Rule POSITIVE = Rule.of("must be greater than zero",
            size -> !size.matches("0+(Ki|Mi|Gi|Ti)?"));
    private static final Rule POD_MANAGEMENT_POLICY = Rule.oneOf(java.util.Arrays.stream(PodManagementPolicy.values())
            .map(PodManagementPolicy::label).toArray(String[]::new));
    private static final Rule MODE = Rule.of("must be async or sync",
            mode -> mode.equalsIgnoreCase("async") || mode.equalsIgnoreCase("sync"));
    private static final Rule IDENTIFIER = Rule.matching("must be a lowercase SQL identifier (letters,"
            + " digits and '_', not starting with a digit)", "[a-z_][a-z0-9_]*");
    static final Rule IDENTIFIER_LENGTH = Rule.maxLength(63);
    private static final Rule USER_DATABASE = Rule.of("must not be a database PostgreSQL creates itself"
            + " (postgres, template0, template1)", db -> !Set.of("postgres", "template0", "template1").contains(db));
    private static final Rule USER_ROLE = Rule.of("must not be a role PostgreSQL or pgset reserves (postgres, "
            + HbaRenderer.REPLICATION_USER + ", pg_*)", role -> !role.equals("postgres")
            && !role.equals(HbaRenderer.REPLICATION_USER) && !role.startsWith("pg_"));
    private static final Rule NOT_BLANK = Rule.of("must not be blank", sql -> !sql.isBlank());
    private static final Pattern PARAMETER_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
    /**
     * What pgset sets itself to run, connect and replicate instances, or that would turn an
     * instance into something else (a recovery target, an archive pgset does not know about). A
     * user value would be overwritten or break the cluster, so it is refused rather than ignored.
     */
    private static final Set<String> MANAGED_PARAMETERS = Set.of("port", "listen_addresses",
            "unix_socket_directories", "unix_socket_permissions", "unix_socket_group", "data_directory", "hba_file", "ident_file", "config_file",
            "primary_conninfo", "primary_slot_name", "synchronous_standby_names", "ssl", "ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_min_protocol_version",
            "hot_standby", "wal_level", "promote_trigger_file", "cluster_name",
            "logging_collector", "log_directory", "log_filename");
    private static final String MANAGED_PREFIX = "recovery_target";
    /** How postgres's log files are cut and stamped: pgset's log limits, and UTC for {@code pgset logs}. */
    private static final Set<String> LOG_FILE_PARAMETERS = Set.of("log_timezone", "log_rotation_size",
            "log_rotation_age");
    /**
     * Archiving is pgBackRest's through spec.backup, which sets these on every instance: a user
     * value would archive (or restore) somewhere pgset does not know of, or not at all.
     * archive_timeout is harmless without an archive, and spec.backup.archive.timeoutSeconds with one.
     */
    private static final Set<String> ARCHIVE_PARAMETERS = Set.of("archive_mode", "archive_command",
            "archive_library", "restore_command");

    private SpecParser() {}

    static ClusterSpec parse(SpecNode root) {
        root.allowOnly("apiVersion", "kind", "metadata", "spec");
        root.requiredText("apiVersion", Rule.equalTo(API_VERSION));
        root.requiredText("kind", Rule.equalTo(KIND));
        String name = metadata(root.requiredObject("metadata"));
        return spec(name, section(root, "spec", "instances", "podManagementPolicy", "postgres", "storage", "replication",
                "bootstrap", "backup", "tls", "network", "disruption", "failover", "resources", "logging", "scheduling", "services"));
    }

    private static final Rule CPU = Rule.matching("must be a CPU amount such as 500m or 2", "[0-9]+m|[0-9]+([.][0-9]+)?");
    private static final Rule MEMORY = Rule.matching("must be a memory amount such as 512Mi or 2Gi (bytes,"
            + " optionally with a Ki, Mi, Gi or Ti suffix)", "[0-9]+(Ki|Mi|Gi|Ti)?");

    /** Requests default to 250m CPU and 512Mi; the memory limit to 1Gi; no CPU limit (throttling hurts latency). */
    private static ResourcesSpec resources(SpecNode resources) {
        return new ResourcesSpec(amounts(section(resources, "requests", "cpu", "memory"), "250m", "512Mi"),
                amounts(section(resources, "limits", "cpu", "memory"), "", "1Gi"));
    }

    private static Map<String, String> amounts(SpecNode amounts, String cpu, String memory) {
        Map<String, String> out = new LinkedHashMap<>();
        String c = amounts.textOrInteger("cpu", cpu, CPU);
        if (!c.isEmpty()) {
            out.put("cpu", c);
        }
        String m = amounts.textOrInteger("memory", memory, MEMORY, POSITIVE);
        if (!m.isEmpty()) {
            out.put("memory", m);
        }
        return out;
    }

    private static TlsSpec tls(SpecNode tls) {
        // At least two days, so that renewal at two thirds leaves hours to retry before expiry.
        return new TlsSpec(tls.bool("enabled", true), tls.integer("validityDays", 90, 2, 3650));
    }

    private static String metadata(SpecNode metadata) {
        metadata.allowOnly("name", "namespace", "labels", "annotations");
        String name = metadata.requiredText("name", DNS_1035, NAME_LENGTH);
        metadata.text("namespace", "", DNS_1123, NAMESPACE_LENGTH);
        strings(metadata.object("labels"));
        strings(metadata.object("annotations"));
        return name;
    }

    private static ClusterSpec spec(String name, SpecNode spec) {
        int instances = spec.integer("instances", 3, 1, 99);
        PodManagementPolicy policy = PodManagementPolicy.of(spec.text("podManagementPolicy",
                PodManagementPolicy.ORDERED_READY.label(), POD_MANAGEMENT_POLICY));
        SpecNode network = section(spec, "network", "allow");
        NetworkSpec allowed; // read in field order, so that problems are reported in it
        ClusterSpec cluster = new ClusterSpec(name,
                instances,
                postgres(section(spec, "postgres", "version", "binDir", "parameters"), spec.has("backup")),
                storage(section(spec, "storage", "size", "retainOnScaleDown", "retainOnDelete", "alertPercent", "storageClass")),
                replication(section(spec, "replication", "mode", "syncStandbys"), instances),
                bootstrap(name, section(spec, "bootstrap", "initdb", "recovery")),
                BackupFields.backup(name, section(spec, "backup", "repositories", "schedule", "retention", "archive")),
                tls(section(spec, "tls", "enabled", "validityDays")),
                allowed = new NetworkSpec(network.texts("allow", List.of("127.0.0.1/32"), Cidr::check),
                        network.has("allow")),
                new DisruptionSpec(section(spec, "disruption", "maxUnavailable")
                        .integer("maxUnavailable", 1, 1, Integer.MAX_VALUE)),
                new FailoverSpec(section(spec, "failover", "delaySeconds").integer("delaySeconds", 0, 0, 3600)),
                resources(section(spec, "resources", "requests", "limits")),
                logging(section(spec, "logging", "format")),
                KubernetesFields.scheduling(spec.object("scheduling")),
                KubernetesFields.services(spec.object("services"), allowed.given() && !allowed.allow().isEmpty()),
                policy);
        checkSyncStandbys(spec, cluster);
        return cluster;
    }

    /** @param archiving whether the spec has a backup section, which owns the archiving parameters */
    private static PostgresSpec postgres(SpecNode postgres, boolean archiving) {
        String version = postgres.textOrInteger("version", "15", VERSION, SUPPORTED_VERSION);
        String binDir = postgres.text("binDir", "/usr/lib/postgresql/" + version + "/bin",
                SINGLE_LINE, ABSOLUTE_PATH);
        return new PostgresSpec(version, binDir, parameters(postgres.object("parameters"), archiving));
    }

    private static Map<String, String> parameters(SpecNode parameters, boolean archiving) {
        Map<String, String> values = new TreeMap<>();
        for (String name : parameters.fieldNames()) {
            if (!PARAMETER_NAME.matcher(name).matches()) {
                parameters.report(name, "is not a parameter name (lowercase letters, digits, '_' and '.',"
                        + " starting with a letter or '_')");
            } else if (MANAGED_PARAMETERS.contains(name) || name.startsWith(MANAGED_PREFIX)) {
                parameters.report(name, "pgset manages this parameter itself; remove it from the spec");
            } else if (LOG_FILE_PARAMETERS.contains(name)) {
                parameters.report(name, "pgset names, rotates and prunes postgres's log files itself, with UTC"
                        + " times that pgset logs orders by; remove " + name + " from the spec");
            } else if (name.equals("log_destination")) {
                parameters.report(name, "pgset sends postgres's log to its files itself (as JSON records with"
                        + " spec.logging.format: json); remove log_destination from the spec");
            } else if (ARCHIVE_PARAMETERS.contains(name)) {
                parameters.report(name, archiving
                        ? "pgset archives WAL with pgBackRest for spec.backup and sets " + name + " itself;"
                                + " remove it from the spec"
                        : "pgset archives WAL only through spec.backup (pgBackRest); remove " + name
                                + " and add a spec.backup section instead");
            } else if (archiving && name.equals("archive_timeout")) {
                parameters.report(name, "pgset sets archive_timeout from spec.backup.archive.timeoutSeconds;"
                        + " remove it here and set that instead");
            } else {
                parameters.scalar(name, SINGLE_LINE).ifPresent(value -> values.put(name, value));
            }
        }
        return values;
    }

    private static StorageSpec storage(SpecNode storage) {
        return new StorageSpec(storage.textOrInteger("size", "1Gi", QUANTITY, POSITIVE, SIZE_RANGE),
                storage.bool("retainOnScaleDown", true),
                storage.bool("retainOnDelete", true),
                storage.integer("alertPercent", StorageSpec.DEFAULT_ALERT_PERCENT, 1, 99),
                storage.has("size"),
                storage.text("storageClass", "", KubernetesFields.STORAGE_CLASS, Rule.maxLength(253)));
    }

    private static LoggingSpec logging(SpecNode logging) {
        String format = logging.text("format", "", Rule.of("must be " + LogFormat.ACCEPTED,
                value -> value.equals("text") || value.equals("json")));
        return new LoggingSpec(format.isEmpty() ? Optional.empty() : Optional.of(LogFormat.of(format)));
    }

    /** Without a mode, the one {@link ReplicationSpec#defaultMode} gives for the number of instances. */
    private static ReplicationSpec replication(SpecNode replication, int instances) {
        String mode = replication.text("mode", "", MODE);
        int syncStandbys = replication.integer("syncStandbys", 1, 1, Integer.MAX_VALUE);
        if (mode.isEmpty()) {
            return new ReplicationSpec(ReplicationSpec.defaultMode(instances), syncStandbys, false);
        }
        return new ReplicationSpec(ReplicationMode.valueOf(mode.toUpperCase(Locale.ROOT)), syncStandbys, true);
    }

    private static BootstrapSpec bootstrap(String cluster, SpecNode bootstrap) {
        SpecNode initdb = section(bootstrap, "initdb", "database", "owner", "dataChecksums", "initSql");
        InitdbSpec initdbSpec = new InitdbSpec(
                initdb.text("database", "app", IDENTIFIER, IDENTIFIER_LENGTH, USER_DATABASE),
                initdb.text("owner", "app", IDENTIFIER, IDENTIFIER_LENGTH, USER_ROLE),
                initdb.bool("dataChecksums", true),
                initdb.texts("initSql", List.of(), NOT_BLANK));
        if (!bootstrap.has("recovery")) {
            return new BootstrapSpec(initdbSpec);
        }
        // The restored database keeps its own tables and checksums setting; only the names of the
        // application database and owner still matter (the owner gets this cluster's app secret).
        if (!initdbSpec.initSql().isEmpty() && initdb.isClean("initSql")) {
            initdb.report("initSql", "is not run for a cluster bootstrapped by recovery (its database comes from"
                    + " the source's backup); remove it, or run the SQL after the cluster is up");
        }
        return new BootstrapSpec(initdbSpec, Optional.of(recovery(cluster, section(bootstrap, "recovery",
                "source", "target"))));
    }

    private static final Rule SYSTEM_IDENTIFIER = Rule.matching("must be a database system identifier, the"
            + " decimal number pg_controldata prints, such as \"7312345678901234567\"", "[0-9]{1,20}");
    private static final Rule LSN = Rule.matching("must be a WAL location such as 0/3000060", "[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");
    private static final Rule OFFSET_TIME = Rule.of("must be an ISO-8601 date and time with a zone offset, such"
            + " as 2026-11-29T10:00:00+00:00 (an offset leaves no doubt about which moment is meant)",
            SpecParser::isOffsetTime);

    private static RecoverySpec recovery(String cluster, SpecNode recovery) {
        SpecNode source = recovery.requiredObject("source");
        source.allowOnly("cluster", "repository", "systemIdentifier");
        String sourceCluster = source.requiredText("cluster", DNS_1123, NAME_LENGTH);
        if (sourceCluster.equals(cluster)) {
            source.report("cluster", "must name another cluster than " + cluster + ": a cluster recovered under"
                    + " its source's name would archive into the source's repository; give the new cluster a new name");
        }
        RecoverySource from = new RecoverySource(sourceCluster,
                source.text("repository", "", DNS_1123, IDENTIFIER_LENGTH),
                source.text("systemIdentifier", "", SYSTEM_IDENTIFIER));
        return new RecoverySpec(from, target(recovery));
    }

    /** At most one kind of target; none means the end of the archive. */
    private static RecoveryTarget target(SpecNode recovery) {
        SpecNode target = section(recovery, "target", "time", "lsn", "name", "immediate");
        List<String> given = target.fieldNames().stream().filter(target::has).toList();
        if (given.size() > 1) {
            recovery.report("target", "must give one of time, lsn, name or immediate, got " + String.join(" and ", given));
            return RecoveryTarget.latest();
        }
        if (target.has("time")) {
            return new RecoveryTarget(TargetType.TIME, target.text("time", "", OFFSET_TIME));
        } else if (target.has("lsn")) {
            return new RecoveryTarget(TargetType.LSN, target.text("lsn", "", LSN).toUpperCase(Locale.ROOT));
        } else if (target.has("name")) {
            return new RecoveryTarget(TargetType.NAME, target.text("name", "", SINGLE_LINE, NOT_BLANK,
                    Rule.maxLength(63)));
        } else if (target.has("immediate")) {
            if (!target.bool("immediate", true) && target.isClean("immediate")) {
                target.report("immediate", "must be true when given (leave the target out to replay all archived WAL)");
            }
            return new RecoveryTarget(TargetType.IMMEDIATE, "");
        }
        return RecoveryTarget.latest();
    }

    private static boolean atMostPetabyte(String size) {
        try {
            return ByteSize.bytes(size) <= (1024L << 40);
        } catch (IllegalArgumentException e) {
            return !size.matches("[0-9]+(Ki|Mi|Gi|Ti)?"); // QUANTITY says what is wrong with it
        }
    }

    private static boolean isOffsetTime(String value) {
        try {
            OffsetDateTime.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Sync commits wait for syncStandbys replicas; asking for more than exist would hang every write. */
    private static void checkSyncStandbys(SpecNode spec, ClusterSpec cluster) {
        int replicas = cluster.instances() - 1;
        int wanted = cluster.replication().syncStandbys();
        if (cluster.replication().mode() == ReplicationMode.SYNC && wanted > replicas
                && spec.isClean("instances") && spec.isClean("replication")) {
            spec.report("replication.syncStandbys", "must be <= instances - 1 = " + replicas
                    + " when mode is sync" + (cluster.replication().explicitMode() ? "" : " (the default from "
                    + "3 instances)") + " (the primary is not a standby), got " + wanted);
        }
    }

    static SpecNode section(SpecNode parent, String field, String... known) {
        SpecNode section = parent.object(field);
        section.allowOnly(known);
        return section;
    }

    /** Labels and annotations are accepted for tools that manage many specs, and otherwise ignored. */
    private static void strings(SpecNode map) {
        map.fieldNames().forEach(key -> map.text(key, ""));
    }
}
