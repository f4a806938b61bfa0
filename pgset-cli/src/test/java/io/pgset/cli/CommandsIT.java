package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The read-only commands on one running cluster: psql, logs, events, status. */
class CommandsIT extends SharedCluster {


    @Test
    void psqlRunsOnRwAndRoWithArgumentsAfterDoubleDash() {
        assertThat(home.pgset("psql", "demo", "--", "-Atc", "select pg_is_in_recovery()").ok().out().strip()).isEqualTo("f");
        assertThat(home.pgset("psql", "demo", "--ro", "--", "-Atc", "select pg_is_in_recovery()").ok().out().strip())
                .isEqualTo("t");
        assertThat(home.pgset("psql", "demo", "--", "-Atc", "select current_user, current_database()").ok().out().strip())
                .isEqualTo("app|app");
    }

    @Test
    void psqlAsTheSuperuserUsesAPassfileOnlyItsUserCanRead() throws Exception {
        assertThat(home.pgset("psql", "demo", "--superuser", "--", "-Atc",
                "select current_user, rolsuper from pg_roles where rolname = current_user").ok().out().strip())
                .isEqualTo("postgres|t");
        java.nio.file.Path passfile = home.cluster("demo").resolve("secrets/pgpass-superuser");
        assertThat(java.nio.file.Files.getPosixFilePermissions(passfile))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(java.nio.file.Files.readString(passfile)).contains(":postgres:" + home.secret("demo", "superuser-password"));
    }

    @Test
    void psqlPassesOnPsqlsExitCode() {
        PgsetHome.Result r = home.pgset("psql", "demo", "--", "-v", "ON_ERROR_STOP=1", "-c", "select nonsense");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("column \"nonsense\" does not exist");
    }

    @Test
    void logsShowTheInstanceManagerAndPostgres() {
        String log = home.pgset("logs", "demo-1").ok().out();
        assertThat(log).contains("pod=demo-1 cloning from", "database system is ready to accept read-only connections");
        assertThat(home.pgset("logs", "demo-1", "--tail", "2").ok().out().lines()).hasSize(2);
        assertThat(home.pgset("logs", "demo-7").err()).contains("demo-7 has no log yet");
    }

    @Test
    void eventsTellWhatTheControllerDidAndWhy() {
        String events = home.pgset("events", "demo").ok().out();
        assertThat(events).contains("create demo-0: new cluster: demo-0 starts on its volume (a new database if the volume is empty)",
                "create demo-1: scale up", "create demo-2: scale up", "primary is demo-0");
    }

    @Test
    void statusTableAndListing() {
        String table = home.pgset("status", "demo").ok().out();
        assertThat(table).contains("cluster demo: Healthy, 3/3 ready, primary demo-0", "demo-2", "replica", "rw", "ro");
        assertThat(home.pgset("status").ok().out()).contains("cluster demo: Healthy");
        assertThat(home.pgset("status", "demo", "-o", "xml").err()).contains("unknown output format 'xml'");
    }

    @Test
    void statusJsonCarriesTheConditionsCoreComputes() throws Exception {
        com.fasterxml.jackson.databind.JsonNode conditions = home.status("demo").path("conditions");
        assertThat(conditions).extracting(c -> c.path("type").asText())
                .containsExactly("Ready", "Progressing", "Degraded", "SpecInvalid", "StorageFull",
                        "StorageNearlyFull", "ArchivingFailing");
        assertThat(conditions).extracting(c -> c.path("type").asText() + "=" + c.path("status").asBoolean())
                .containsExactly("Ready=true", "Progressing=false", "Degraded=false", "SpecInvalid=false",
                        "StorageFull=false", "StorageNearlyFull=false", "ArchivingFailing=false");
        assertThat(conditions).allSatisfy(c -> assertThat(c.path("lastTransitionTime").asText()).isNotEmpty());
    }

    @Test
    void theDemoExampleAppliedToTheDefaultClusterChangesNothing() {
        PgsetHome.Result r = home.pgset("apply", "-f", "../examples/demo.yaml").ok();
        assertThat(r.out()).contains("cluster demo: the spec is unchanged", "cluster demo is Healthy");
    }

    @Test
    void replicationLagShowsInSecondsAsWellAsBytes() throws Exception {
        int replicaPort = home.pod("demo", 2).path("port").asInt();
        // The delay is the age of the last commit replayed, so demo-2 must have replayed one first.
        home.note("demo", "replayed by demo-2");
        home.awaitNote("demo", replicaPort, "replayed by demo-2");
        Properties superuser = new Properties();
        superuser.setProperty("user", "postgres");
        superuser.setProperty("password", home.secret("demo", "superuser-password"));
        superuser.setProperty("sslmode", "verify-full");
        superuser.setProperty("sslrootcert", home.cluster("demo").resolve("secrets/ca.crt").toString());
        try (Connection replica = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + replicaPort + "/app",
                superuser); Statement s = replica.createStatement()) {
            s.execute("SELECT pg_wal_replay_pause()");
            try {
                home.note("demo", "written while demo-2 does not replay");
                await().atMost(Duration.ofSeconds(30)).until(() -> home.pod("demo", 2).path("lagSeconds").asDouble() >= 1);
                assertThat(home.pod("demo", 2).path("lagBytes").asLong()).isPositive();
                assertThat(home.pod("demo", 0).path("lagSeconds").asDouble()).as("the primary").isZero();
                assertThat(home.pgset("status", "demo").ok().out()).contains("LAG (s)");
                // metrics are sampled every 5 s: they show it within two rounds
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    Matcher metric = Pattern.compile("(?m)^pg_replication_lag_seconds\\{[^}]*\\} ([\\d.E]+)$")
                            .matcher(metrics(2));
                    assertThat(metric.find()).isTrue();
                    assertThat(Double.parseDouble(metric.group(1))).isGreaterThanOrEqualTo(1);
                    assertThat(metrics(2)).containsPattern("(?m)^pgset_replication_replay_lag_bytes\\{[^}]*\\} [1-9]");
                });
            } finally {
                s.execute("SELECT pg_wal_replay_resume()");
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> home.pod("demo", 2).path("lagSeconds").asDouble() == 0);
    }

    /** The instance API's metrics of demo-ORDINAL. */
    private String metrics(int ordinal) throws Exception {
        int api = PgsetHome.JSON.readTree(home.cluster("demo").resolve("pods/demo-" + ordinal + "/ports.json").toFile())
                .path("api").asInt();
        HttpClient http = HttpClient.newBuilder()
                .sslContext(io.pgset.instance.ApiTls.client(home.cluster("demo").resolve("secrets/ca.crt"))).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api + "/metrics"))
                .header("Authorization", "Bearer " + home.secret("demo", "api-token")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aNameThatIsNotAnInstanceNameIsRefusedSayingWhatOneLooksLike() {
        assertThat(home.pgset("logs", "demo-x").err()).contains("'demo-x' is not an instance name",
                "<cluster>-<ordinal>");
    }
}
