package io.pgset.core.spec;

import static io.pgset.core.spec.SpecReaderTest.HEADER;
import static io.pgset.core.spec.SpecReaderTest.problemsOf;
import static io.pgset.core.spec.SpecReaderTest.withSpec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One rejecting case per rule of the spec, each with the exact problem the user sees. */
class SpecRulesTest {

    private static final String DNS_1035 = "must be a DNS-1035 label (lowercase letters, digits and '-',"
            + " starting with a letter and ending with a letter or digit)";
    private static final String SPEC_FIELDS = "instances, podManagementPolicy, postgres, storage, replication,"
            + " bootstrap, backup, tls, network, disruption, failover, resources, logging, scheduling, services";

    static Stream<Arguments> invalidDocuments() {
        return Stream.of(
                reject(HEADER.replace("pgset.io/v1alpha1", "v1"), "apiVersion: must be \"pgset.io/v1alpha1\", got \"v1\""),
                reject(HEADER.replace("apiVersion: pgset.io/v1alpha1\n", ""), "apiVersion: is required"),
                reject(HEADER.replace("PostgresCluster", "Cluster"), "kind: must be \"PostgresCluster\", got \"Cluster\""),
                reject(HEADER.replace("kind: PostgresCluster\n", ""), "kind: is required"),
                reject(HEADER.replace("metadata: {name: demo}\n", ""), "metadata: is required"),
                reject(HEADER.replace("{name: demo}", "demo"), "metadata: must be a mapping, got \"demo\""),
                reject(HEADER.replace("{name: demo}", "{}"), "metadata.name: is required"),
                reject(HEADER.replace("demo", "Demo"), "metadata.name: " + DNS_1035 + ", got \"Demo\""),
                reject(HEADER.replace("demo", "1demo"), "metadata.name: " + DNS_1035 + ", got \"1demo\""),
                reject(HEADER.replace("demo", "demo-"), "metadata.name: " + DNS_1035 + ", got \"demo-\""),
                reject(HEADER.replace("demo", "d".repeat(41)),
                        "metadata.name: must be at most 40 characters, got \"" + "d".repeat(41) + "\""),
                reject(HEADER.replace("demo", "42"), "metadata.name: must be a string, got 42"),
                reject(HEADER.replace("{name: demo}", "{name: demo, namespace: Team_A}"),
                        "metadata.namespace: must be a DNS-1123 label (lowercase letters, digits and '-',"
                                + " starting and ending with a letter or digit), got \"Team_A\""),
                reject(HEADER.replace("{name: demo}", "{name: demo, labels: {team: [a]}}"),
                        "metadata.labels.team: must be a string, got a list"),
                reject(HEADER.replace("{name: demo}", "{name: demo, uid: x}"),
                        "metadata.uid: unknown field (known: name, namespace, labels, annotations)"),
                reject(HEADER + "status: {}\n", "status: unknown field (known: apiVersion, kind, metadata, spec)"),
                reject(HEADER + "spec: [3]\n", "spec: must be a mapping, got a list"),
                reject(withSpec("replicas: 3"), "spec.replicas: unknown field (known: " + SPEC_FIELDS + ")"),
                reject(withSpec("instances: 0"), "spec.instances: must be >= 1, got 0"),
                reject(withSpec("instances: 100"), "spec.instances: must be <= 99, got 100"),
                reject(withSpec("instances: 99999999999999999999"), "spec.instances: must be <= 99, got 99999999999999999999"),
                reject(withSpec("instances: \"3\""), "spec.instances: must be an integer, got \"3\""),
                reject(withSpec("instances: three"), "spec.instances: must be an integer, got \"three\""),
                reject(withSpec("instances: 2.5"), "spec.instances: must be an integer, got 2.5"),
                reject(withSpec("instances: true"), "spec.instances: must be an integer, got true"),
                reject(withSpec("postgres: {versio: 15}"),
                        "spec.postgres.versio: unknown field (known: version, binDir, parameters)"),
                reject(withSpec("postgres: {version: \"11\"}"),
                        "spec.postgres.version: must be one of 12, 13, 14, 15, 16, 17, got \"11\""),
                reject(withSpec("postgres: {version: 18}"),
                        "spec.postgres.version: must be one of 12, 13, 14, 15, 16, 17, got \"18\""),
                reject(withSpec("postgres: {version: \"15.2\"}"),
                        "spec.postgres.version: must be a PostgreSQL major version such as \"15\", got \"15.2\""),
                reject(withSpec("postgres: {version: 15.2}"),
                        "spec.postgres.version: must be a string or an integer, got 15.2"),
                reject(withSpec("postgres: {binDir: usr/bin}"),
                        "spec.postgres.binDir: must be an absolute path, got \"usr/bin\""),
                reject(withSpec("postgres: {parameters: [max_connections]}"),
                        "spec.postgres.parameters: must be a mapping, got a list"),
                reject(withSpec("postgres: {parameters: {shared_preload_libraries: {a: b}}}"),
                        "spec.postgres.parameters.shared_preload_libraries: must be a string, number or boolean,"
                                + " got a mapping"),
                reject(withSpec("postgres: {parameters: {search_path: [a, b]}}"),
                        "spec.postgres.parameters.search_path: must be a string, number or boolean, got a list"),
                reject(withSpec("postgres: {parameters: {work_mem: null}}"),
                        "spec.postgres.parameters.work_mem: must be a string, number or boolean, got null"),
                reject(withSpec("postgres: {parameters: {Max_Connections: 100}}"),
                        "spec.postgres.parameters.Max_Connections: is not a parameter name (lowercase letters,"
                                + " digits, '_' and '.', starting with a letter or '_')"),
                reject(withSpec("postgres: {parameters: {port: 5433}}"),
                        "spec.postgres.parameters.port: pgset manages this parameter itself; remove it from the spec"),
                reject(withSpec("postgres: {parameters: {unix_socket_permissions: '0777'}}"),
                        "spec.postgres.parameters.unix_socket_permissions: pgset manages this parameter itself;"
                                + " remove it from the spec"),
                reject(withSpec("postgres: {parameters: {recovery_target_time: '2024-01-01'}}"),
                        "spec.postgres.parameters.recovery_target_time: pgset manages this parameter itself;"
                                + " remove it from the spec"),
                reject(withSpec("postgres: {parameters: {log_destination: csvlog}}"),
                        "spec.postgres.parameters.log_destination: pgset sends postgres's log to its files itself"
                                + " (as JSON records with spec.logging.format: json); remove log_destination from"
                                + " the spec"),
                reject(withSpec("postgres: {parameters: {log_timezone: Europe/Paris}}"),
                        "spec.postgres.parameters.log_timezone: pgset names, rotates and prunes postgres's log files"
                                + " itself, with UTC times that pgset logs orders by; remove log_timezone from the spec"),
                reject(withSpec("postgres: {parameters: {log_line_prefix: \"a\\nport = 1\"}}"),
                        "spec.postgres.parameters.log_line_prefix: must not contain line breaks or other control"
                                + " characters, got \"a\\nport = 1\""),
                reject(withSpec("storage: {size: 1GB}"), "spec.storage.size: must be a size such as 1Gi (a whole"
                        + " number of bytes, optionally with a Ki, Mi, Gi or Ti suffix), got \"1GB\""),
                reject(withSpec("storage: {size: 0Gi}"), "spec.storage.size: must be greater than zero, got \"0Gi\""),
                reject(withSpec("storage: {size: 0}"), "spec.storage.size: must be greater than zero, got \"0\""),
                reject(withSpec("storage: {retainOnDelete: \"yes\"}"),
                        "spec.storage.retainOnDelete: must be true or false, got \"yes\""),
                reject(withSpec("storage: {class: fast}"),
                        "spec.storage.class: unknown field (known: size, retainOnScaleDown, retainOnDelete,"
                                + " alertPercent, storageClass)"),
                reject(withSpec("storage: {alertPercent: 0}"), "spec.storage.alertPercent: must be >= 1, got 0"),
                reject(withSpec("storage: {alertPercent: 100}"), "spec.storage.alertPercent: must be <= 99, got 100"),
                reject(withSpec("storage: {alertPercent: \"80%\"}"),
                        "spec.storage.alertPercent: must be an integer, got \"80%\""),
                reject(withSpec("storage: {size: 2048Ti}"), "spec.storage.size: must be at most 1024Ti, got \"2048Ti\""),
                reject(withSpec("podManagementPolicy: parallel"),
                        "spec.podManagementPolicy: must be one of OrderedReady, Parallel, got \"parallel\""),
                reject(withSpec("podManagementPolicy: 1"), "spec.podManagementPolicy: must be a string, got 1"),
                reject(withSpec("logging: {format: xml}"), "spec.logging.format: must be text or json, got \"xml\""),
                reject(withSpec("logging: {level: debug}"), "spec.logging.level: unknown field (known: format)"),
                reject(withSpec("storage: {storageClass: Fast_SSD}"), "spec.storage.storageClass: must be a storage"
                        + " class name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'), got \"Fast_SSD\""),
                reject(withSpec("scheduling: {nodes: {}}"),
                        "spec.scheduling.nodes: unknown field (known: nodeSelector, tolerations)"),
                reject(withSpec("scheduling: {nodeSelector: {\"-disk\": ssd}}"), "spec.scheduling.nodeSelector.-disk:"
                        + " must be a label key (an optional DNS subdomain prefix and '/', then a name of letters, digits,"
                        + " '-', '_' and '.', such as kubernetes.io/arch or disktype), got \"-disk\""),
                reject(withSpec("scheduling: {nodeSelector: {disk: [ssd]}}"),
                        "spec.scheduling.nodeSelector.disk: must be a string, number or boolean, got a list"),
                reject(withSpec("scheduling: {tolerations: [{key: dedicated, operator: Exists, value: db}]}"),
                        "spec.scheduling.tolerations[0].value: must be empty with operator Exists, got \"db\""),
                reject(withSpec("scheduling: {tolerations: [{value: db}]}"), "spec.scheduling.tolerations[0].operator:"
                        + " must be Exists when key is empty (a toleration of every taint)"),
                reject(withSpec("scheduling: {tolerations: [{key: a, effect: NoScheduled}]}"),
                        "spec.scheduling.tolerations[0].effect: must be one of NoSchedule, PreferNoSchedule, NoExecute,"
                                + " got \"NoScheduled\""),
                reject(withSpec("scheduling: {tolerations: [{key: a, effect: NoSchedule, tolerationSeconds: 60}]}"),
                        "spec.scheduling.tolerations[0].tolerationSeconds: applies only with effect NoExecute; remove"
                                + " it or set that effect"),
                reject(withSpec("services: {ro: {type: LoadBalancer}}"), "spec.services.ro: unknown field (known: rw)"),
                reject(withSpec("services: {rw: {type: NodePort}}"),
                        "spec.services.rw.type: must be one of ClusterIP, LoadBalancer, got \"NodePort\""),
                reject(withSpec("services: {rw: {type: LoadBalancer}}"), "spec.services.rw.type: LoadBalancer needs"
                        + " spec.network.allow: list the networks outside the cluster that may connect through the load"
                        + " balancer (the NetworkPolicy admits only the namespace's pods without it)"),
                reject(withSpec("network: {allow: []}\nservices: {rw: {type: LoadBalancer}}"),
                        "spec.services.rw.type: LoadBalancer needs spec.network.allow: list the networks outside the"
                                + " cluster that may connect through the load balancer (the NetworkPolicy admits only"
                                + " the namespace's pods without it)"),
                reject(withSpec("replication: {mode: semi}"),
                        "spec.replication.mode: must be async or sync, got \"semi\""),
                reject(withSpec("replication: {syncStandbys: 0}"), "spec.replication.syncStandbys: must be >= 1, got 0"),
                reject(withSpec("replication: {mode: sync, syncStandbys: 3}"),
                        "spec.replication.syncStandbys: must be <= instances - 1 = 2 when mode is sync"
                                + " (the primary is not a standby), got 3"),
                reject(withSpec("instances: 1\nreplication: {mode: sync}"),
                        "spec.replication.syncStandbys: must be <= instances - 1 = 0 when mode is sync"
                                + " (the primary is not a standby), got 1"),
                reject(withSpec("bootstrap: {pg_basebackup: {}}"), "spec.bootstrap.pg_basebackup: unknown field (known: initdb, recovery)"),
                reject(withSpec("bootstrap: {initdb: {locale: C}}"), "spec.bootstrap.initdb.locale: unknown field"
                        + " (known: database, owner, dataChecksums, initSql)"),
                reject(withSpec("bootstrap: {initdb: {database: postgres}}"),
                        "spec.bootstrap.initdb.database: must not be a database PostgreSQL creates itself"
                                + " (postgres, template0, template1), got \"postgres\""),
                reject(withSpec("bootstrap: {initdb: {database: template1}}"),
                        "spec.bootstrap.initdb.database: must not be a database PostgreSQL creates itself"
                                + " (postgres, template0, template1), got \"template1\""),
                reject(withSpec("bootstrap: {initdb: {database: my-db}}"),
                        "spec.bootstrap.initdb.database: must be a lowercase SQL identifier (letters, digits and"
                                + " '_', not starting with a digit), got \"my-db\""),
                reject(withSpec("bootstrap: {initdb: {database: " + "d".repeat(64) + "}}"),
                        "spec.bootstrap.initdb.database: must be at most 63 characters, got \"" + "d".repeat(64) + "\""),
                reject(withSpec("bootstrap: {initdb: {owner: postgres}}"), "spec.bootstrap.initdb.owner: must not be"
                        + " a role PostgreSQL or pgset reserves (postgres, pgset_replication, pg_*), got \"postgres\""),
                reject(withSpec("bootstrap: {initdb: {owner: pg_monitor}}"), "spec.bootstrap.initdb.owner: must not be"
                        + " a role PostgreSQL or pgset reserves (postgres, pgset_replication, pg_*), got \"pg_monitor\""),
                reject(withSpec("bootstrap: {initdb: {dataChecksums: \"true\"}}"),
                        "spec.bootstrap.initdb.dataChecksums: must be true or false, got \"true\""),
                reject(withSpec("bootstrap: {initdb: {initSql: \"SELECT 1\"}}"),
                        "spec.bootstrap.initdb.initSql: must be a list, got \"SELECT 1\""),
                reject(withSpec("bootstrap: {initdb: {initSql: [\"SELECT 1\", \"  \"]}}"),
                        "spec.bootstrap.initdb.initSql[1]: must not be blank, got \"  \""),
                reject(withSpec("bootstrap: {initdb: {initSql: [42]}}"),
                        "spec.bootstrap.initdb.initSql[0]: must be a string, got 42"),
                reject(withSpec("backup: {repositories: [{name: r, type: gcs}]}"),
                        "spec.backup.repositories[0].type: must be one of posix, s3, got \"gcs\""),
                reject(withSpec("backup: {repositories: [{name: r, path: backups}]}"),
                        "spec.backup.repositories[0].path: must be an absolute path, got \"backups\""),
                reject(withSpec("backup: {repositories: [{name: r, bucket: b}]}"),
                        "spec.backup.repositories[0].bucket: unknown field (known: name, type, path)"),
                reject(withSpec("backup: {repositories: {name: r}}"),
                        "spec.backup.repositories: must be a list, got a mapping"),
                reject(withSpec("backup: {archive: {timeoutSeconds: 86401}}"),
                        "spec.backup.archive.timeoutSeconds: must be <= 86400, got 86401"),
                reject(withSpec("backup: {schedule: {full: \"@daily\"}}"), "spec.backup.schedule.full: must be a"
                        + " 5-field cron expression (minute hour day-of-month month day-of-week) such as \"0 3 * * 0\":"
                        + " has 1 fields, not 5 (minute hour day-of-month month day-of-week), got \"@daily\""),
                reject(withSpec("backup: {retention: {full: 0}}"), "spec.backup.retention.full: must be >= 1, got 0"),
                reject(withSpec("backup: {retention: {diff: 3}}"), "spec.backup.retention.diff: unknown field (known: full)"),
                reject(withSpec("tls: {enabled: 1}"), "spec.tls.enabled: must be true or false, got 1"),
                reject(withSpec("tls: {validityDays: 1}"), "spec.tls.validityDays: must be >= 2, got 1"),
                reject(withSpec("resources: {requests: {cpu: lots}}"), "spec.resources.requests.cpu: must be a CPU"
                        + " amount such as 500m or 2, got \"lots\""),
                reject(withSpec("resources: {limits: {memory: 2GB}}"), "spec.resources.limits.memory: must be a memory"
                        + " amount such as 512Mi or 2Gi (bytes, optionally with a Ki, Mi, Gi or Ti suffix), got \"2GB\""),
                reject(withSpec("resources: {limits: {gpu: 1}}"), "spec.resources.limits.gpu: unknown field (known: cpu, memory)"),
                reject(withSpec("tls: {validity: 30}"), "spec.tls.validity: unknown field (known: enabled, validityDays)"),
                reject(withSpec("network: {allow: 10.0.0.0/8}"), "spec.network.allow: must be a list, got \"10.0.0.0/8\""),
                reject(withSpec("network: {allow: [10.0.0.0/8, 7]}"), "spec.network.allow[1]: must be a string, got 7"),
                reject(withSpec("disruption: {maxUnavailable: 0}"), "spec.disruption.maxUnavailable: must be >= 1, got 0"),
                reject(withSpec("failover: {delaySeconds: -1}"), "spec.failover.delaySeconds: must be >= 0, got -1"),
                reject(withSpec("failover: {delaySeconds: 3601}"), "spec.failover.delaySeconds: must be <= 3600, got 3601"),
                reject(withSpec("failover: {delay: 5}"), "spec.failover.delay: unknown field (known: delaySeconds)"));
    }

    @ParameterizedTest
    @MethodSource("invalidDocuments")
    void rejectsFieldWithPathAndReason(String document, String problem) {
        assertThat(problemsOf(document)).containsExactly(problem);
    }

    static Stream<Arguments> invalidNetworks() {
        return Stream.of(
                reject("10.0.0.0/33", "must have a prefix length from 0 to 32, got \"10.0.0.0/33\""),
                reject("fd00::/129", "must have a prefix length from 0 to 128, got \"fd00::/129\""),
                reject("10.0.0.0/", "must have a prefix length from 0 to 32, got \"10.0.0.0/\""),
                reject("10.0.0.0/08", "must have a prefix length from 0 to 32, got \"10.0.0.0/08\""),
                reject("10.0.0.1", "must be a network in CIDR notation (10.0.0.7/32 for one host), got \"10.0.0.1\""),
                reject("300.1.1.1/32", "must start with an IPv4 or IPv6 address (such as 10.0.0.0/8 or fd00::/8),"
                        + " got \"300.1.1.1/32\""),
                reject("10.0.0/24", "must start with an IPv4 or IPv6 address (such as 10.0.0.0/8 or fd00::/8),"
                        + " got \"10.0.0/24\""),
                reject("010.0.0.0/8", "must start with an IPv4 or IPv6 address (such as 10.0.0.0/8 or fd00::/8),"
                        + " got \"010.0.0.0/8\""),
                reject("fd00::1::/64", "must start with an IPv4 or IPv6 address (such as 10.0.0.0/8 or fd00::/8),"
                        + " got \"fd00::1::/64\""),
                reject("example.com/32", "must start with an IPv4 or IPv6 address (such as 10.0.0.0/8 or fd00::/8),"
                        + " got \"example.com/32\""),
                reject("10.0.0.1/8", "must have no address bits set after the prefix (the network is 10.0.0.0/8),"
                        + " got \"10.0.0.1/8\""),
                reject("fd00::1/8", "must have no address bits set after the prefix (the network is fd00::/8),"
                        + " got \"fd00::1/8\""));
    }

    @ParameterizedTest
    @MethodSource("invalidNetworks")
    void rejectsMalformedNetwork(String cidr, String problem) {
        assertThat(problemsOf(withSpec("network: {allow: [\"" + cidr + "\"]}")))
                .containsExactly("spec.network.allow[0]: " + problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "192.168.1.0/24", "255.255.255.255/32", "::/0", "::1/128",
            "2001:db8::1/128", "fd00::/8", "FD00:0:0:0:0:0:0:0/16", "::ffff:10.0.0.0/104"})
    void acceptsNetwork(String cidr) {
        assertThat(SpecReader.read(withSpec("network: {allow: [\"" + cidr + "\"]}")).network().allow())
                .containsExactly(cidr);
    }

    private static Arguments reject(String input, String problem) {
        return Arguments.of(input, problem);
    }
}
