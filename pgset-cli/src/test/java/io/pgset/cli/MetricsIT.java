package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The instances' and the controller's {@code /metrics} on a running two-instance cluster: what
 * they export parses as the Prometheus text format, covers every metric the alert rules and the
 * Grafana dashboard use, and moves with what postgres does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

    /** Figures are sampled every 5 s; a change shows within two rounds. */
    private static final Duration SAMPLED = Duration.ofSeconds(15);
    private static final Path RULES = Path.of("../deploy/helm/pgset-operator/templates/prometheusrule.yaml");
    private static final Path DASHBOARD = Path.of("../deploy/grafana/pgset.json");

    private PgsetHome home;
    private HttpClient http;

    @BeforeAll
    void startCluster() throws Exception {
        home = PgsetHome.create();
        home.pgset("up", "-f", home.specFile("instances: 2").toString()).ok();
        http = HttpClient.newBuilder().sslContext(io.pgset.instance.ApiTls.client(home.cluster("demo")
                .resolve("secrets/ca.crt"))).build();
    }

    @AfterAll
    void stopCluster() throws Exception {
        home.close();
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardUseIsExported() throws Exception {
        statements("SELECT 1", 1); // so that pg_stat_statements has a query to report
        Set<String> used = new TreeSet<>(metricNames(rulesExpressions()));
        used.addAll(metricNames(dashboardExpressions()));
        assertThat(used).as("the rules and the dashboard name metrics").hasSizeGreaterThan(10);

        await().atMost(SAMPLED).ignoreExceptions().untilAsserted(() -> {
            Set<String> exported = new TreeSet<>();
            exported.addAll(instance(0).names());
            exported.addAll(instance(1).names());
            exported.addAll(controller().names());
            assertThat(exported).containsAll(used);
        });
    }

    @Test
    void loadMakesCommitsGrowAndTheProcessTreeUseCpu() throws Exception {
        PrometheusText before = awaitUp(0);
        double commits = before.value("pg_stat_database_xact_commit", Map.of("datname", "app")).orElseThrow();
        double cpu = before.value("pgset_postgres_cpu_seconds_total").orElseThrow();
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS load (n int)");
            for (int i = 0; i < 300; i++) {
                s.execute("INSERT INTO load VALUES (" + i + ")");
            }
        }
        await().atMost(SAMPLED).ignoreExceptions().untilAsserted(() -> {
            PrometheusText after = instance(0);
            assertThat(after.value("pg_stat_database_xact_commit", Map.of("datname", "app")).orElseThrow())
                    .isGreaterThanOrEqualTo(commits + 300);
            assertThat(after.value("pgset_postgres_cpu_seconds_total").orElseThrow()).isGreaterThan(cpu);
        });
        PrometheusText now = instance(0);
        assertThat(now.value("pgset_postgres_resident_memory_bytes").orElseThrow()).isGreaterThan(10 << 20);
        assertThat(now.value("pg_database_size_bytes", Map.of("datname", "app")).orElseThrow()).isPositive();
        assertThat(now.value("pgset_volume_capacity_bytes").orElseThrow())
                .isGreaterThan(now.value("pgset_volume_used_bytes").orElseThrow());
        assertThat(now.value("pgset_certificate_expiry_timestamp_seconds").orElseThrow())
                .isGreaterThan(System.currentTimeMillis() / 1000.0);
    }

    @Test
    void aReplicaThatDoesNotReplayShowsLagOnBothSides() throws Exception {
        int replica = home.pod("demo", 1).path("port").asInt();
        home.note("demo", "replayed by demo-1");
        home.awaitNote("demo", replica, "replayed by demo-1");
        try (Connection c = superuser(replica); Statement s = c.createStatement()) {
            s.execute("SELECT pg_wal_replay_pause()");
            try {
                home.note("demo", "written while demo-1 does not replay");
                await().atMost(SAMPLED).ignoreExceptions().untilAsserted(() -> {
                    assertThat(instance(1).value("pg_replication_lag_seconds").orElseThrow()).isPositive();
                    assertThat(instance(0).value("pg_stat_replication_pg_wal_lsn_diff",
                            Map.of("application_name", "demo-1")).orElseThrow()).isPositive();
                });
                assertThat(instance(1).value("pg_replication_is_replica").orElseThrow()).isEqualTo(1.0);
            } finally {
                s.execute("SELECT pg_wal_replay_resume()");
            }
        }
    }

    @Test
    void aQueryShowsInPgStatStatementsByItsIdWithoutItsText() throws Exception {
        // an alias, since pg_stat_statements replaces constants with parameters
        statements("SELECT pg_sleep(0.05) AS metrics_it_probe", 8);
        // created by the primary's sampler in the app database too, where its users can read it
        String queryid = await().atMost(SAMPLED).ignoreExceptions().until(() -> {
            try (Connection c = superuser(home.pod("demo", 0).path("port").asInt()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT queryid FROM pg_stat_statements WHERE query LIKE '%metrics_it_probe%'"
                         + " AND query NOT LIKE '%pg_stat_statements%'")) {
                return rs.next() ? rs.getString(1) : null;
            }
        }, java.util.Objects::nonNull);
        await().atMost(SAMPLED).ignoreExceptions().untilAsserted(() -> {
            PrometheusText primary = instance(0);
            assertThat(primary.value("pg_stat_statements_calls_total", Map.of("queryid", queryid, "datname", "app",
                    "user", "app")).orElseThrow()).isGreaterThanOrEqualTo(8);
            assertThat(primary.value("pg_stat_statements_seconds_total", Map.of("queryid", queryid)).orElseThrow())
                    .isGreaterThanOrEqualTo(0.3);
        });
        assertThat(scrape(0)).as("no query text").doesNotContain("metrics_it_probe");
        assertThat(instance(0).samples.stream().filter(s -> s.name().equals("pg_stat_statements_calls_total")))
                .hasSizeLessThanOrEqualTo(20);
    }

    @Test
    void aStoppedPostgresIsPgUpZeroWhileItsInstanceManagerServesOn() throws Exception {
        awaitUp(1);
        double restarts = instance(1).value("pgset_restarts_total").orElseThrow();
        int port = home.pod("demo", 1).path("port").asInt();
        // postgres cannot start again while its port is taken: the instance manager keeps trying.
        try (ServerSocket taken = takePortFromPostgres("demo-1", port)) {
            await().atMost(SAMPLED).ignoreExceptions().untilAsserted(() -> {
                PrometheusText down = instance(1);
                assertThat(down.value("pg_up").orElseThrow()).isZero();
                assertThat(down.value("pgset_instance_ready").orElseThrow()).isZero();
            });
            assertThat(instance(1).names()).doesNotContain("pg_stat_database_xact_commit");
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            PrometheusText up = instance(1);
            assertThat(up.value("pg_up").orElseThrow()).isEqualTo(1.0);
            assertThat(up.value("pgset_restarts_total").orElseThrow()).isGreaterThan(restarts);
        });
    }

    @Test
    void theControllerServesClusterMetrics() throws Exception {
        PrometheusText cluster = controller();
        Map<String, String> demo = Map.of("cluster", "demo");
        assertThat(cluster.value("pgset_instances_wanted", demo)).contains(2.0);
        assertThat(cluster.value("pgset_failovers_total", demo)).contains(0.0);
        assertThat(cluster.value("pgset_switchovers_total", demo)).contains(0.0);
        await().atMost(SAMPLED).ignoreExceptions().untilAsserted(() -> {
            assertThat(controller().value("pgset_instances_ready", demo)).contains(2.0);
            assertThat(controller().value("pgset_primary_ready", demo)).contains(1.0);
        });
        assertThat(get(home.cluster("demo").resolve("controller.json"), "apiPort", "/metrics", null).statusCode())
                .as("without the token").isEqualTo(401);
    }

    /** Kills the postmaster and binds its port before the instance manager starts it again (tries a few times). */
    private ServerSocket takePortFromPostgres(String pod, int port) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            PgsetHome.signal("KILL", home.postmasterPid("demo", pod));
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                try {
                    return new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
                } catch (java.net.BindException e) {
                    Thread.onSpinWait(); // the dying postmaster still holds it, or the new one has it already
                }
            }
        }
        throw new AssertionError("postgres of " + pod + " restarted on port " + port + " before the test could take it");
    }

    private PrometheusText awaitUp(int ordinal) {
        return await().atMost(SAMPLED).until(() -> instance(ordinal),
                m -> m.value("pg_up").orElse(0.0) == 1.0 && m.value("pg_stat_database_xact_commit").isPresent());
    }

    private void statements(String sql, int times) throws Exception {
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            for (int i = 0; i < times; i++) {
                s.execute(sql);
            }
        }
    }

    private Connection superuser(int port) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", home.secret("demo", "superuser-password"));
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", home.cluster("demo").resolve("secrets/ca.crt").toString());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", p);
    }

    private PrometheusText instance(int ordinal) throws Exception {
        return PrometheusText.parse(scrape(ordinal));
    }

    private String scrape(int ordinal) throws Exception {
        HttpResponse<String> r = get(home.cluster("demo").resolve("pods/demo-" + ordinal + "/ports.json"), "api",
                "/metrics", home.secret("demo", "api-token"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        return r.body();
    }

    private PrometheusText controller() throws Exception {
        HttpResponse<String> r = get(home.cluster("demo").resolve("controller.json"), "apiPort", "/metrics",
                home.secret("demo", "api-token"));
        assertThat(r.statusCode()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    private HttpResponse<String> get(Path portsFile, String field, String path, String token) throws Exception {
        int port = PgsetHome.JSON.readTree(portsFile.toFile()).path(field).asInt();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The expressions of the alert rules, one per {@code expr:} line of the chart's template. */
    private static String rulesExpressions() throws Exception {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$").matcher(Files.readString(RULES));
        while (m.find()) {
            out.append(m.group(1)).append('\n');
        }
        assertThat(out).as("alert expressions in %s", RULES).isNotEmpty();
        return out.toString();
    }

    /** The query of every panel's every target in the dashboard. */
    private static String dashboardExpressions() throws Exception {
        StringBuilder out = new StringBuilder();
        for (JsonNode panel : PgsetHome.JSON.readTree(DASHBOARD.toFile()).path("panels")) {
            panel.path("targets").forEach(t -> out.append(t.path("expr").asText()).append('\n'));
        }
        assertThat(out).as("queries in %s", DASHBOARD).isNotEmpty();
        return out.toString();
    }

    /** The names of pg_* and pgset_* metrics a PromQL text uses (not label names, not functions). */
    static Set<String> metricNames(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(pg|pgset)_[a-z0-9_]+\\b(?!\\s*[=!~])").matcher(promql.replaceAll("\"[^\"]*\"", "\"\""));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
