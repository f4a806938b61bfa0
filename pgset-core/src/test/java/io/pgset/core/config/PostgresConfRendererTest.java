package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresConfRendererTest {

    private static final ClusterSpec DEMO = SpecReader.defaults("demo");
    private static final InstanceConfig PRIMARY = new InstanceConfig("demo-0", "127.0.0.1", 5433, Optional.empty());
    private static final InstanceConfig.Upstream UPSTREAM = new InstanceConfig.Upstream("10.0.0.5", 5432,
            HbaRenderer.REPLICATION_USER, "/var/lib/pgset/o'brien dir\\x/.pgpass", "pgset_demo_1");
    private static final InstanceConfig REPLICA = new InstanceConfig("demo-1", "*", 5434, Optional.of(UPSTREAM));

    @Test
    void rendersWhereTheInstanceListensAndItsName() {
        Map<String, String> conf = settings(PostgresConfRenderer.render(DEMO, PRIMARY));

        assertThat(conf).containsEntry("listen_addresses", "127.0.0.1")
                .containsEntry("port", "5433")
                .containsEntry("cluster_name", "demo-0");
    }

    @Test
    void aUnixSocketOnlyInTheDirectoryGivenAndOnlyForItsOwner() {
        assertThat(settings(PostgresConfRenderer.render(DEMO, PRIMARY))).containsEntry("unix_socket_directories", "")
                .doesNotContainKey("unix_socket_permissions");

        InstanceConfig withSocket = new InstanceConfig(PRIMARY.pod(), PRIMARY.listenAddresses(), PRIMARY.port(),
                PRIMARY.upstream(), PRIMARY.tls(), java.util.Optional.of("/var/lib/pgset/socket"));
        assertThat(settings(PostgresConfRenderer.render(DEMO, withSocket)))
                .containsEntry("unix_socket_directories", "/var/lib/pgset/socket")
                .containsEntry("unix_socket_permissions", "0700");
    }

    @Test
    void replicaStreamsFromItsUpstreamThroughItsSlot() {
        Map<String, String> conf = settings(PostgresConfRenderer.render(DEMO, REPLICA));

        assertThat(conf).containsEntry("primary_slot_name", "pgset_demo_1");
        assertThat(conninfo(conf.get("primary_conninfo")))
                .containsEntry("host", "10.0.0.5")
                .containsEntry("port", "5432")
                .containsEntry("user", HbaRenderer.REPLICATION_USER)
                .containsEntry("passfile", "/var/lib/pgset/o'brien dir\\x/.pgpass")
                .containsEntry("application_name", "demo-1")
                // the walreceiver ignores connect_timeout: only this bounds a connect nobody answers
                .containsEntry("tcp_user_timeout", "5000");
    }

    @Test
    void replicaPassfileIsQuotedForLibpq() {
        String conninfo = settings(PostgresConfRenderer.render(DEMO, REPLICA)).get("primary_conninfo");

        assertThat(conninfo).contains("passfile='/var/lib/pgset/o\\'brien dir\\\\x/.pgpass'");
    }

    @Test
    void withTlsPostgresServesTls13OnlyAndTheReplicaUsesItsClientCertificate() {
        InstanceConfig.Tls tls = new InstanceConfig.Tls("/v/tls/server.crt", "/v/tls/server.key", "/v/tls/ca.crt",
                "/v/tls/replication.crt", "/v/tls/replication.key");
        InstanceConfig replica = new InstanceConfig(REPLICA.pod(), REPLICA.listenAddresses(), REPLICA.port(),
                REPLICA.upstream(), java.util.Optional.of(tls));
        Map<String, String> conf = settings(PostgresConfRenderer.render(DEMO, replica));

        assertThat(conf).containsEntry("ssl", "on").containsEntry("ssl_cert_file", "/v/tls/server.crt")
                .containsEntry("ssl_key_file", "/v/tls/server.key").containsEntry("ssl_ca_file", "/v/tls/ca.crt")
                .containsEntry("ssl_min_protocol_version", "TLSv1.3");
        assertThat(conninfo(conf.get("primary_conninfo"))).containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", "/v/tls/ca.crt").containsEntry("sslcert", "/v/tls/replication.crt")
                .containsEntry("sslkey", "/v/tls/replication.key").doesNotContainKey("passfile");
        assertThat(settings(PostgresConfRenderer.render(DEMO, REPLICA))).containsEntry("ssl", "off");
    }

    @Test
    void primaryHasNoUpstreamSettings() {
        Map<String, String> conf = settings(PostgresConfRenderer.render(DEMO, PRIMARY));

        assertThat(conf).doesNotContainKeys("primary_conninfo", "primary_slot_name");
    }

    @ParameterizedTest(name = "{0} with syncStandbys {1}")
    @CsvSource(delimiter = '|', value = {
        "demo-0 | 1 | ANY 1 (\"demo-1\", \"demo-2\")",
        "demo-1 | 1 | ANY 1 (\"demo-0\", \"demo-2\")",
        "demo-2 | 2 | ANY 2 (\"demo-0\", \"demo-1\")",
    })
    void syncModeWaitsForAnyKOfTheOtherInstances(String pod, int k, String expected) {
        ClusterSpec spec = spec("""
                instances: 3
                replication: {mode: sync, syncStandbys: %d}
                """.formatted(k));
        InstanceConfig instance = new InstanceConfig(pod, "127.0.0.1", 5432, Optional.empty());

        assertThat(settings(PostgresConfRenderer.render(spec, instance)))
                .containsEntry("synchronous_standby_names", expected);
    }

    @Test
    void asyncModeHasNoSynchronousStandbys() {
        String conf = PostgresConfRenderer.render(spec("replication: {mode: async}"), PRIMARY);

        assertThat(conf).contains("\nsynchronous_standby_names = ''\n");
    }

    @Test
    void defaultClusterOfThreeWaitsForAnyOneStandbyAndOneOfTwoDoesNot() {
        assertThat(settings(PostgresConfRenderer.render(DEMO, PRIMARY)))
                .containsEntry("synchronous_standby_names", "ANY 1 (\"demo-1\", \"demo-2\")");
        assertThat(settings(PostgresConfRenderer.render(DEMO.withInstances(2), PRIMARY)))
                .containsEntry("synchronous_standby_names", "");
    }

    @Test
    void userParametersOverrideTunablesAndAppear() {
        ClusterSpec spec = spec("""
                postgres:
                  parameters: {wal_keep_size: 1GB, work_mem: 64MB}
                """);

        List<String[]> lines = lines(PostgresConfRenderer.render(spec, PRIMARY));

        assertThat(lines).filteredOn(l -> l[0].equals("wal_keep_size")).singleElement()
                .satisfies(l -> assertThat(l[1]).isEqualTo("'1GB'"));
        assertThat(lines).filteredOn(l -> l[0].equals("work_mem")).singleElement()
                .satisfies(l -> assertThat(l[1]).isEqualTo("'64MB'"));
    }

    @Test
    void everySettingAppearsOnce() {
        List<String> names = lines(PostgresConfRenderer.render(DEMO, REPLICA)).stream().map(l -> l[0]).toList();

        assertThat(names).doesNotHaveDuplicates();
    }

    @Test
    void quotesSingleQuotesAndBackslashesInValues() {
        ClusterSpec spec = spec("""
                postgres:
                  parameters:
                    log_line_prefix: 'it''s C:\\new\\'
                """);

        String conf = PostgresConfRenderer.render(spec, PRIMARY);

        assertThat(conf).contains("\nlog_line_prefix = 'it''s C:\\\\new\\\\'\n");
        assertThat(settings(conf)).containsEntry("log_line_prefix", "it's C:\\new\\");
    }

    @Test
    void pgStatStatementsIsPreloadedBesideTheUsersLibraries() {
        assertThat(settings(PostgresConfRenderer.render(DEMO, PRIMARY)))
                .containsEntry("shared_preload_libraries", "pg_stat_statements");
        ClusterSpec own = spec("""
                postgres:
                  parameters:
                    shared_preload_libraries: auto_explain
                """);
        assertThat(settings(PostgresConfRenderer.render(own, PRIMARY)))
                .containsEntry("shared_preload_libraries", "auto_explain,pg_stat_statements");
    }

    @Test
    void walSenderLimitsDoNotFollowTheInstanceCount() {
        Map<String, String> two = settings(PostgresConfRenderer.render(DEMO.withInstances(2), PRIMARY));
        Map<String, String> five = settings(PostgresConfRenderer.render(DEMO.withInstances(5), PRIMARY));

        assertThat(five.get("max_wal_senders")).isEqualTo(two.get("max_wal_senders"));
        assertThat(five.get("max_replication_slots")).isEqualTo(two.get("max_replication_slots"));
    }

    @Test
    void walSenderLimitsStayPutUpTo24InstancesAndCoverEveryReplica() {
        List<String> senders = IntStream.rangeClosed(1, 24)
                .mapToObj(n -> settings(PostgresConfRenderer.render(DEMO.withInstances(n), PRIMARY)))
                .map(conf -> conf.get("max_wal_senders") + "/" + conf.get("max_replication_slots"))
                .distinct()
                .toList();

        assertThat(senders).singleElement().satisfies(s -> {
            String[] limits = s.split("/");
            assertThat(Integer.parseInt(limits[0])).isGreaterThanOrEqualTo(24);
            assertThat(Integer.parseInt(limits[1])).isGreaterThanOrEqualTo(24);
        });
    }

    // --- helpers --------------------------------------------------------------------------------

    static ClusterSpec spec(String specSection) {
        return SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec:
                """ + specSection.indent(2));
    }

    /** Each setting line as {name, raw value text}; comments skipped. */
    static List<String[]> lines(String conf) {
        List<String[]> out = new ArrayList<>();
        for (String line : conf.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf(" = ");
            assertThat(eq).as("setting line %s", line).isPositive();
            out.add(new String[] {line.substring(0, eq), line.substring(eq + 3)});
        }
        return out;
    }

    /** Settings with their values as PostgreSQL reads them back. */
    static Map<String, String> settings(String conf) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] line : lines(conf)) {
            out.put(line[0], unquote(line[1]));
        }
        return out;
    }

    /** A quoted postgresql.conf value the way the server's GUC scanner reads it. */
    static String unquote(String quoted) {
        assertThat(quoted).startsWith("'").endsWith("'").hasSizeGreaterThanOrEqualTo(2);
        String body = quoted.substring(1, quoted.length() - 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\') {
                char next = body.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> next;
                });
            } else if (c == '\'') {
                assertThat(body.charAt(++i)).as("lone quote in %s", quoted).isEqualTo('\'');
                out.append('\'');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A libpq keyword/value connection string, parsed the way libpq does. */
    static Map<String, String> conninfo(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i == text.length()) {
                break;
            }
            int eq = text.indexOf('=', i);
            String key = text.substring(i, eq).trim();
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            boolean quoted = i < text.length() && text.charAt(i) == '\'';
            if (quoted) {
                i++;
            }
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (c == '\\') {
                    value.append(text.charAt(i++));
                } else if (quoted && c == '\'') {
                    break;
                } else if (!quoted && c == ' ') {
                    break;
                } else {
                    value.append(c);
                }
            }
            out.put(key, value.toString());
        }
        return out;
    }
}
