package io.pgset.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PodManagementPolicy;
import io.pgset.core.model.SchedulingSpec;
import io.pgset.core.model.ServicesSpec;
import io.pgset.core.model.BackupSpec.ArchiveSpec;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.ClusterSpec.BootstrapSpec;
import io.pgset.core.model.ClusterSpec.DisruptionSpec;
import io.pgset.core.model.ClusterSpec.FailoverSpec;
import io.pgset.core.model.ClusterSpec.InitdbSpec;
import io.pgset.core.model.ClusterSpec.NetworkSpec;
import io.pgset.core.model.ClusterSpec.PostgresSpec;
import io.pgset.core.model.ClusterSpec.ReplicationMode;
import io.pgset.core.model.ClusterSpec.ReplicationSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.S3Credentials;
import io.pgset.core.model.BackupSpec.S3Repository;
import io.pgset.core.model.BackupSpec.UriStyle;
import io.pgset.core.model.BackupSpec.RetentionSpec;
import io.pgset.core.model.BackupSpec.ScheduleSpec;
import io.pgset.core.model.ClusterSpec.StorageSpec;
import io.pgset.core.model.ClusterSpec.TlsSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecReaderTest {

    static final String HEADER = """
            apiVersion: pgset.io/v1alpha1
            kind: PostgresCluster
            metadata: {name: demo}
            """;

    static final ClusterSpec.ResourcesSpec DEFAULT_RESOURCES = new ClusterSpec.ResourcesSpec(
            Map.of("cpu", "250m", "memory", "512Mi"), Map.of("memory", "1Gi"));

    static final ClusterSpec DEFAULTS = new ClusterSpec("demo", 3,
            new PostgresSpec("15", "/usr/lib/postgresql/15/bin", Map.of()),
            new StorageSpec("1Gi", true, true, 80, false),
            new ReplicationSpec(ReplicationMode.SYNC, 1, false),
            new BootstrapSpec(new InitdbSpec("app", "app", true, List.of())),
            new BackupSpec(false, List.of(), ScheduleSpec.DEFAULT, new RetentionSpec(7), new ArchiveSpec(60)),
            new TlsSpec(true, 90),
            new NetworkSpec(List.of("127.0.0.1/32"), false),
            new DisruptionSpec(1),
            new FailoverSpec(0),
            SpecReaderTest.DEFAULT_RESOURCES,
            ClusterSpec.LoggingSpec.INHERIT,
            SchedulingSpec.NONE,
            ServicesSpec.DEFAULT,
            PodManagementPolicy.ORDERED_READY);

    /** A document with the standard header and this text as its spec section. */
    static String withSpec(String spec) {
        return HEADER + "spec:\n" + spec.indent(2);
    }

    static List<String> problemsOf(String document) {
        return catchThrowableOfType(SpecException.class, () -> SpecReader.read(document)).problems();
    }

    @Test
    void appliesEveryDefaultToMinimalSpec() {
        assertThat(SpecReader.read(HEADER)).isEqualTo(DEFAULTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"spec:\n", "spec: {}\n", "spec:\n  instances: null\n  storage:\n"})
    void treatsEmptyAndNullSectionsAsDefaults(String spec) {
        assertThat(SpecReader.read(HEADER + spec)).isEqualTo(DEFAULTS);
    }

    @Test
    void defaultsDescribeTheSameClusterAsMinimalSpec() {
        assertThat(SpecReader.defaults("demo")).isEqualTo(DEFAULTS);
    }

    @Test
    void defaultsRejectInvalidName() {
        assertThatThrownBy(() -> SpecReader.defaults("Demo"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("invalid cluster spec:\n  - metadata.name: must be a DNS-1035 label");
    }

    @Test
    void readsEveryFieldOfFullExample() {
        ClusterSpec spec = SpecReader.read(fixture("full.yaml"));

        assertThat(spec).isEqualTo(new ClusterSpec("demo", 5,
                new PostgresSpec("16", "/opt/postgresql/16/bin", Map.of(
                        "max_connections", "200", "work_mem", "64MB", "checkpoint_completion_target", "0.90",
                        "jit", "false", "shared_buffers", "1024")),
                new StorageSpec("20Gi", false, false),
                new ReplicationSpec(ReplicationMode.SYNC, 2, true),
                new BootstrapSpec(new InitdbSpec("orders", "orders_owner", false, List.of(
                        "CREATE TABLE orders (id bigint PRIMARY KEY)",
                        "CREATE INDEX orders_id\n  ON orders (id);\n"))),
                new BackupSpec(true, List.of(new PosixRepository("disk", "/var/backups/demo"),
                        new S3Repository("offsite", "s3.eu-west-1.amazonaws.com", "pgset-demo", "eu-west-1",
                                "/clusters/demo", UriStyle.PATH, new S3Credentials("", "/etc/pgset/s3.conf"),
                                "/etc/pgset/s3-ca.pem")),
                        new ScheduleSpec("15 1 * * SUN", "15 */6 * * 1-5", ""), new RetentionSpec(14), new ArchiveSpec(300)),
                new TlsSpec(false, 90),
                new NetworkSpec(List.of("10.0.0.0/8", "fd00::/8", "192.168.1.7/32"), true),
                new DisruptionSpec(2),
                new FailoverSpec(30),
                DEFAULT_RESOURCES,
                ClusterSpec.LoggingSpec.INHERIT,
                SchedulingSpec.NONE,
                ServicesSpec.DEFAULT,
                PodManagementPolicy.PARALLEL));
    }

    @Test
    void readsTheKubernetesOnlyFieldsAndWritesThemBack() {
        ClusterSpec spec = SpecReader.read(withSpec("""
                storage: {storageClass: fast-ssd}
                scheduling:
                  nodeSelector: {disktype: ssd, kubernetes.io/arch: amd64}
                  tolerations:
                    - {key: dedicated, value: postgres, effect: NoSchedule}
                    - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
                services: {rw: {type: LoadBalancer}}
                network: {allow: [203.0.113.0/24]}
                """));

        assertThat(spec.storage().storageClass()).isEqualTo("fast-ssd");
        assertThat(spec.scheduling()).isEqualTo(new SchedulingSpec(
                Map.of("disktype", "ssd", "kubernetes.io/arch", "amd64"),
                List.of(new SchedulingSpec.Toleration("dedicated", "Equal", "postgres", "NoSchedule",
                                java.util.OptionalLong.empty()),
                        new SchedulingSpec.Toleration("node.kubernetes.io/unreachable", "Exists", "", "NoExecute",
                                java.util.OptionalLong.of(30)))));
        assertThat(spec.services().readWrite()).isEqualTo(ServicesSpec.ServiceType.LOAD_BALANCER);
        assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
    }

    @Test
    void aNetworkAllowLeftOutStaysLeftOutWhenWrittenAndReadBack() {
        ClusterSpec unset = SpecReader.read(HEADER);
        ClusterSpec set = SpecReader.read(withSpec("network: {allow: [127.0.0.1/32]}"));

        assertThat(unset.network().given()).isFalse();
        assertThat(set.network().given()).isTrue();
        assertThat(unset.network().allow()).as("the local default").isEqualTo(set.network().allow());
        assertThat(SpecReader.read(SpecReader.write(unset))).isEqualTo(unset);
        assertThat(SpecReader.read(SpecReader.write(set))).isEqualTo(set);
    }

    @Test
    void fullExampleRoundTripsThroughWrite() {
        ClusterSpec spec = SpecReader.read(fixture("full.yaml"));

        assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
    }

    @Test
    void writesCanonicalDocumentWithoutDisabledBackup() {
        assertThat(SpecReader.write(DEFAULTS)).isEqualTo("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata:
                  name: demo
                spec:
                  instances: 3
                  postgres:
                    version: "15"
                    binDir: /usr/lib/postgresql/15/bin
                    parameters: {}
                  storage:
                    retainOnScaleDown: true
                    retainOnDelete: true
                    alertPercent: 80
                  replication:
                    syncStandbys: 1
                  bootstrap:
                    initdb:
                      database: app
                      owner: app
                      dataChecksums: true
                      initSql: []
                  tls:
                    enabled: true
                    validityDays: 90
                  network: {}
                  disruption:
                    maxUnavailable: 1
                  failover:
                    delaySeconds: 0
                  resources:
                    requests:
                      cpu: "250m"
                      memory: "512Mi"
                    limits:
                      memory: "1Gi"
                """);
    }

    @Test
    void writeKeepsParametersSorted() {
        ClusterSpec spec = SpecReader.read(withSpec("postgres: {parameters: {work_mem: 4MB, jit: off, a.b: 1}}"));

        assertThat(SpecReader.write(spec)).contains("""
                    parameters:
                      a.b: "1"
                      jit: "false"
                      work_mem: "4MB"
                """);
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off", "yes", "no", "true", "null", "~", "", " ", "1e3", "0x10", "0755",
            "1.50", "-1", "+1", ".5", "1_000", "a: b", "a #b", "#x", "-", "'q'", "\"q\"", "[x]", "{x}", "*x",
            "&x", "!x", "%x", "@x", "`x`", "x ", " x", "é", "trailing\\", "$libdir/auto_explain"})
    void writtenStringsReadBackUnchanged(String value) {
        ClusterSpec spec = SpecReader.read(withSpec("bootstrap: {initdb: {initSql: [\"SELECT 1\"]}}"));
        ClusterSpec tricky = new ClusterSpec("demo", 3,
                new PostgresSpec("15", "/usr/lib/postgresql/15/bin", Map.of("x", value)),
                spec.storage(), spec.replication(),
                new BootstrapSpec(new InitdbSpec("app", "app", true,
                        List.of("SELECT '" + value + "'", "--" + value + "\n", "A\n  " + value + "\n\n", "x\n" + value))),
                spec.backup(), spec.tls(), spec.network(), spec.disruption(), spec.failover(), spec.resources(),
                spec.logging(), spec.scheduling(), spec.services(), PodManagementPolicy.PARALLEL);

        assertThat(SpecReader.read(SpecReader.write(tricky))).isEqualTo(tricky);
    }

    @Test
    void readsJson() {
        String json = """
                {"apiVersion": "pgset.io/v1alpha1", "kind": "PostgresCluster", "metadata": {"name": "demo"},
                 "spec": {"instances": 1, "network": {"allow": ["::1/128"]}}}
                """;

        ClusterSpec spec = SpecReader.read(json);

        assertThat(spec.instances()).isEqualTo(1);
        assertThat(spec.network().allow()).containsExactly("::1/128");
    }

    @Test
    void turnsScalarParametersIntoStrings() {
        ClusterSpec spec = SpecReader.read(withSpec("""
                postgres:
                  parameters:
                    max_connections: 200
                    checkpoint_completion_target: 0.90
                    random_page_cost: 1e1
                    jit: false
                    log_statement: ddl
                    auto_explain.log_min_duration: "250ms"
                """));

        assertThat(spec.postgres().parameters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "max_connections", "200", "checkpoint_completion_target", "0.90", "random_page_cost", "10",
                "jit", "false", "log_statement", "ddl", "auto_explain.log_min_duration", "250ms"));
    }

    @Test
    void acceptsVersionAsIntegerAndDerivesBinDir() {
        ClusterSpec spec = SpecReader.read(withSpec("postgres: {version: 16}"));

        assertThat(spec.postgres().version()).isEqualTo("16");
        assertThat(spec.postgres().binDir()).isEqualTo("/usr/lib/postgresql/16/bin");
    }

    @Test
    void readsReplicationModeInAnyCase() {
        ClusterSpec spec = SpecReader.read(withSpec("replication: {mode: Sync, syncStandbys: 2}"));

        assertThat(spec.replication()).isEqualTo(new ReplicationSpec(ReplicationMode.SYNC, 2, true));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1, ASYNC", "2, ASYNC", "3, SYNC", "5, SYNC"})
    void modeLeftOutIsSyncFromTwoStandbysAndAsyncBelow(int instances, ReplicationMode mode) {
        ClusterSpec spec = SpecReader.read(withSpec("instances: " + instances));

        assertThat(spec.replication()).isEqualTo(new ReplicationSpec(mode, 1, false));
    }

    @Test
    void explicitModeIsKeptWhateverTheInstances() {
        assertThat(SpecReader.read(withSpec("instances: 3\nreplication: {mode: async}")).replication())
                .isEqualTo(new ReplicationSpec(ReplicationMode.ASYNC, 1, true));
        assertThat(SpecReader.read(withSpec("instances: 2\nreplication: {mode: sync}")).replication())
                .isEqualTo(new ReplicationSpec(ReplicationMode.SYNC, 1, true));
    }

    @Test
    void modeLeftOutFollowsScaleThroughTheWrittenSpec() {
        ClusterSpec three = SpecReader.read(withSpec("instances: 3"));

        ClusterSpec two = SpecReader.read(SpecReader.write(three.withInstances(2)));
        ClusterSpec four = SpecReader.read(SpecReader.write(two.withInstances(4)));

        assertThat(two.replication()).isEqualTo(new ReplicationSpec(ReplicationMode.ASYNC, 1, false));
        assertThat(three.withInstances(2)).isEqualTo(two);
        assertThat(four.replication()).isEqualTo(new ReplicationSpec(ReplicationMode.SYNC, 1, false));
        assertThat(SpecReader.write(four)).doesNotContain("mode:");
    }

    @Test
    void explicitModeSurvivesScaleAndTheWrittenSpec() {
        ClusterSpec async = SpecReader.read(withSpec("instances: 2\nreplication: {mode: async}"));

        ClusterSpec scaled = SpecReader.read(SpecReader.write(async.withInstances(5)));

        assertThat(scaled.replication()).isEqualTo(new ReplicationSpec(ReplicationMode.ASYNC, 1, true));
    }

    @Test
    void tooManySyncStandbysForTheDefaultModeSaysTheModeIsTheDefault() {
        assertThat(problemsOf(withSpec("replication: {syncStandbys: 3}"))).containsExactly(
                "spec.replication.syncStandbys: must be <= instances - 1 = 2 when mode is sync (the default from"
                        + " 3 instances) (the primary is not a standby), got 3");
    }

    @Test
    void acceptsEmptyAllowListSoOnlyPeersConnect() {
        assertThat(SpecReader.read(withSpec("network: {allow: []}")).network().allow()).isEmpty();
    }

    @Test
    void ignoresNamespaceLabelsAndAnnotations() {
        String document = HEADER.replace("metadata: {name: demo}", """
                metadata:
                  name: demo
                  namespace: team-a
                  labels: {app: pg}
                  annotations: {note: "anything: at all"}""");

        assertThat(SpecReader.read(document)).isEqualTo(DEFAULTS);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String document = """
                apiVersion: pgset.io/v1
                kind: PostgresCluster
                metadata: {name: Demo}
                spec:
                  instances: three
                  replicas: 3
                  postgres: {parameters: {port: 5433}}
                  network: {allow: ["10.0.0.0/33", "127.0.0.1/32", "300.1.1.1/32"]}
                """;

        assertThat(problemsOf(document)).containsExactly(
                "apiVersion: must be \"pgset.io/v1alpha1\", got \"pgset.io/v1\"",
                "metadata.name: must be a DNS-1035 label (lowercase letters, digits and '-', starting with a"
                        + " letter and ending with a letter or digit), got \"Demo\"",
                "spec.replicas: unknown field (known: instances, podManagementPolicy, postgres, storage, replication,"
                        + " bootstrap, backup, tls, network, disruption, failover, resources, logging, scheduling, services)",
                "spec.instances: must be an integer, got \"three\"",
                "spec.postgres.parameters.port: pgset manages this parameter itself; remove it from the spec",
                "spec.network.allow[0]: must have a prefix length from 0 to 32, got \"10.0.0.0/33\"",
                "spec.network.allow[2]: must start with an IPv4 or IPv6 address (such as 10.0.0.0/8 or"
                        + " fd00::/8), got \"300.1.1.1/32\"");
    }

    @Test
    void messageListsEveryProblem() {
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> SpecReader.read(withSpec("instances: 0\nfailover: {delaySeconds: -1}")));

        assertThat(e).hasMessage("""
                invalid cluster spec:
                  - spec.instances: must be >= 1, got 0
                  - spec.failover.delaySeconds: must be >= 0, got -1""");
    }

    @Test
    void reportsYamlSyntaxErrorWithLine() {
        assertThat(problemsOf(HEADER + "spec:\n  instances: [3\n  tls: {}\n")).containsExactly(
                "document: is not valid YAML: while parsing a flow sequence at line 5, column 14;"
                        + " expected ',' or ']', but got : at line 6, column 6");
    }

    @Test
    void rejectsDuplicateKey() {
        assertThat(problemsOf(HEADER + "spec:\n  instances: 3\n  instances: 5\n"))
                .containsExactly("document: is not valid YAML: Duplicate field 'instances' at line 6, column 12");
    }

    @Test
    void rejectsAliasesRatherThanReadingTheirNames() {
        assertThat(problemsOf(HEADER + "x: &size 2Gi\nspec: {storage: {size: *size}}\n"))
                .singleElement().asString()
                .startsWith("document: uses a YAML alias (size) at line 5");
    }

    @Test
    void rejectsSeveralDocuments() {
        assertThat(problemsOf(HEADER + "---\n" + HEADER)).containsExactly(
                "document: holds more than one YAML document; a spec describes one cluster");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "# only a comment\n", "---\n", "~\n", "null\n"})
    void rejectsEmptyDocument(String document) {
        assertThat(problemsOf(document)).containsExactly(
                "document: is empty; expected a mapping with apiVersion, kind, metadata and spec");
    }

    @Test
    void rejectsNonMappingRoot() {
        assertThat(problemsOf("- demo\n")).containsExactly(
                "document: must be a mapping with apiVersion, kind, metadata and spec, got a list");
        assertThat(problemsOf("demo\n")).containsExactly(
                "document: must be a mapping with apiVersion, kind, metadata and spec, got \"demo\"");
    }

    @Test
    void readsFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("demo.yaml");
        java.nio.file.Files.writeString(file, HEADER);

        assertThat(SpecReader.read(file)).isEqualTo(DEFAULTS);
    }

    @Test
    void rejectsMissingFileNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> SpecReader.read(missing))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems())
                        .containsExactly(missing + ": cannot read the spec file: no such file"));
    }

    static String fixture(String name) {
        try (InputStream in = SpecReaderTest.class.getResourceAsStream("/specs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("fixture " + name, e);
        }
    }
}
