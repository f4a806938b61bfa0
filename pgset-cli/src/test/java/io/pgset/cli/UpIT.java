package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code pgset up} on a fresh home: a primary and two streaming replicas, reachable and locked down.
 * The tests of the default cluster look at the one {@link SharedCluster} started and leave it as
 * it was; the two-instance cluster has a home of its own.
 */
class UpIT extends SharedCluster {

    @Test
    void upStartsDefaultClusterWithPrimaryAndTwoStreamingReplicas() throws Exception {
        assertThat(up.out()).contains("demo-0 ready (primary)", "demo-1 ready (replica)", "demo-2 ready (replica)",
                "is Healthy", "rw: PGPASSFILE=", "ro: PGPASSFILE=", "pgset psql demo");
        // Ordered start: each instance was created only after the one before it was ready.
        assertThat(up.out().indexOf("demo-0 ready")).isLessThan(up.out().indexOf("demo-1 starting"));
        assertThat(up.out().indexOf("demo-1 ready")).isLessThan(up.out().indexOf("demo-2 starting"));
        // While an instance starts, progress says what it waits for, not "unreachable: null" or driver advice.
        assertThat(up.out()).doesNotContain("null", "Check that the hostname", "unreachable");

        JsonNode status = home.status("demo");
        assertThat(status.path("name").asText()).isEqualTo("demo");
        assertThat(status.path("phase").asText()).isEqualTo("Healthy");
        assertThat(status.path("primary").asText()).isEqualTo("demo-0");
        List<String> roles = new ArrayList<>();
        for (JsonNode pod : status.path("pods")) {
            assertThat(pod.path("name").asText()).isEqualTo("demo-" + pod.path("ordinal").asInt());
            assertThat(pod.path("ready").asBoolean()).isTrue();
            assertThat(pod.path("host").asText()).isEqualTo("127.0.0.1");
            assertThat(pod.path("port").asInt()).isPositive();
            assertThat(ProcessHandle.of(pod.path("pid").asLong())).isPresent();
            assertThat(pod.path("timeline").asLong()).isEqualTo(1);
            assertThat(pod.path("lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(pod.has("lagBytes")).isTrue();
            assertThat(pod.path("lagSeconds").isNumber()).isTrue();
            assertThat(pod.path("volume").asText()).isEqualTo("data-" + pod.path("name").asText());
            roles.add(pod.path("role").asText());
        }
        assertThat(roles).containsExactly("primary", "replica", "replica");
        assertThat(status.path("volumes")).hasSize(3);
        assertThat(status.path("volumes").get(1).path("boundTo").asText()).isEqualTo("demo-1");
        assertThat(status.path("services").path("rw").path("uri").asText())
                .startsWith("postgresql://app@127.0.0.1:").doesNotContain(home.secret("demo", "app-password"));
        JsonNode controller = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile());
        assertThat(ProcessHandle.of(controller.path("pid").asLong())).isPresent();
        assertThat(controller.path("apiPort").asInt()).isPositive();
        // Two standbys: synchronous by default, ANY 1, so that one may be away without stalling writes.
        assertThat(up.out()).contains("sync (ANY 1 of demo-1, demo-2): a commit is acknowledged once 1 standby has it,"
                + " so a failover loses no acknowledged transaction");
        assertThat(synchronousStandbyNames(home)).isEqualTo("ANY 1 (\"demo-1\", \"demo-2\")");
    }

    @Test
    void twoInstancesRunAsyncAndSayWhatAFailoverMayLoseUntilScaledToThree() throws Exception {
        try (PgsetHome two = PgsetHome.create()) {
            String risk = "async: a failover may lose the last transactions acknowledged by demo-0 that demo-1 had not"
                    + " received";
            PgsetHome.Result started = two.pgset("up", "-f", two.specFile("instances: 2").toString()).ok();
            assertThat(started.out()).contains(risk);
            assertThat(two.pgset("status", "demo").ok().out()).contains(risk);
            assertThat(synchronousStandbyNames(two)).isEmpty();

            // The mode was left out, so it follows the number of instances.
            PgsetHome.Result scaled = two.pgset("scale", "demo", "--instances", "3").ok();
            assertThat(scaled.out()).contains("sync (ANY 1 of demo-1, demo-2)");
            assertThat(two.pgset("status", "demo").ok().out()).contains("sync (ANY 1 of demo-1, demo-2)")
                    .doesNotContain("async");
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> synchronousStandbyNames(two).equals("ANY 1 (\"demo-1\", \"demo-2\")"));
        }
    }

    private static String synchronousStandbyNames(PgsetHome in) throws Exception {
        try (Connection c = in.connect("demo", in.servicePort("demo", "rw")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW synchronous_standby_names")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void rowWrittenThroughRwIsReadableThroughRoWithinASecond() throws Exception {
        int rw = home.servicePort("demo", "rw");
        int ro = home.servicePort("demo", "ro");
        try (Connection w = home.connect("demo", rw); Statement s = w.createStatement()) {
            s.execute("CREATE TABLE items (id int primary key, what text)");
            s.execute("INSERT INTO items VALUES (1, 'written through rw')");
        }
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
            try (Connection r = home.connect("demo", ro); Statement s = r.createStatement();
                 ResultSet rs = s.executeQuery("SELECT what FROM items WHERE id = 1")) {
                return rs.next() && rs.getString(1).equals("written through rw");
            }
        });
        System.out.printf("rw -> ro visible after %.0f ms%n", (System.nanoTime() - start) / 1e6);
        try (Connection r = home.connect("demo", ro); Statement s = r.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("ro reaches a replica").isTrue();
        }
    }

    @Test
    void upAgainOnHealthyClusterChangesNothing() throws Exception {
        JsonNode before = home.status("demo");
        PgsetHome.Result again = home.pgset("up").ok();
        assertThat(again.out()).contains("controller already running").doesNotContain("starting controller");
        JsonNode after = home.status("demo");
        for (int i = 0; i < 3; i++) {
            assertThat(after.path("pods").get(i).path("pid")).isEqualTo(before.path("pods").get(i).path("pid"));
            assertThat(after.path("pods").get(i).path("port")).isEqualTo(before.path("pods").get(i).path("port"));
        }
        assertThat(after.path("services")).isEqualTo(before.path("services"));
    }

    @Test
    void secretsArePrivateAndPgpassWorksForServicesAndInstances() throws Exception {
        Path secrets = home.cluster("demo").resolve("secrets");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(secrets)) {
            for (Path f : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                        .isEqualTo("rw-------");
            }
        }
        JsonNode status = home.status("demo");
        List<Integer> ports = new ArrayList<>(List.of(status.path("services").path("rw").path("port").asInt(),
                status.path("services").path("ro").path("port").asInt()));
        status.path("pods").forEach(p -> ports.add(p.path("port").asInt()));
        for (int port : ports) {
            Process psql = new ProcessBuilder("/usr/lib/postgresql/15/bin/psql", "-w", "-h", "127.0.0.1",
                    "-p", Integer.toString(port), "-U", "app", "-d", "app", "-Atc", "select current_user")
                    .redirectErrorStream(true).start();
            String output = new String(psql.getInputStream().readAllBytes());
            assertThat(psql.waitFor()).as("psql on port %d without PGPASSFILE: %s", port, output).isNotZero();
        }
        for (int port : ports) {
            ProcessBuilder pb = new ProcessBuilder("/usr/lib/postgresql/15/bin/psql", "-w", "-h", "127.0.0.1",
                    "-p", Integer.toString(port), "-U", "app", "-d", "app", "-Atc", "select current_user")
                    .redirectErrorStream(true);
            pb.environment().put("PGPASSFILE", secrets.resolve("pgpass").toString());
            Process psql = pb.start();
            String output = new String(psql.getInputStream().readAllBytes()).strip();
            assertThat(psql.waitFor()).as("psql on port %d: %s", port, output).isZero();
            assertThat(output).isEqualTo("app");
        }
    }
}
