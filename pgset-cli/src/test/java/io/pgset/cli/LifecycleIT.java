package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Instances and controllers die and come back; names, ports, volumes and data stay. */
class LifecycleIT extends PerTestHome {

    @Test
    void deletedInstanceIsRecreatedWithSameNameVolumeAndData() throws Exception {
        home.pgset("up").ok();
        write("before the kill");
        JsonNode before = pod(1);
        awaitRowOn(before.path("port").asInt(), "before the kill");

        home.pgset("delete-pod", "demo-1", "--force").ok();
        assertThat(ProcessHandle.of(before.path("pid").asLong()).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode p = pod(1);
            return p != null && p.path("ready").asBoolean() && p.path("pid").asLong() != before.path("pid").asLong();
        });
        JsonNode after = pod(1);
        assertThat(after.path("port")).isEqualTo(before.path("port"));
        assertThat(after.path("volume").asText()).isEqualTo("data-demo-1");
        // It came back on its own volume: cloned once, in its first life only.
        assertThat(Files.readString(home.cluster("demo").resolve("pods/demo-1/log"))).containsOnlyOnce("cloning from");
        awaitRowOn(after.path("port").asInt(), "before the kill");
        write("after the kill");
        awaitRowOn(after.path("port").asInt(), "after the kill");
    }

    @Test
    void primaryManagerKilledAloneGetsItsOrphanedPostgresStoppedAndComesBackWithAllData() throws Exception {
        home.pgset("up").ok();
        write("acknowledged before the manager died");
        JsonNode before = pod(0);
        long orphan = postmasterPid("demo-0");
        // SIGKILL to the instance manager only: its postgres lives on, unsupervised.
        ProcessHandle.of(before.path("pid").asLong()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode p = pod(0);
            return p != null && p.path("ready").asBoolean() && p.path("pid").asLong() != before.path("pid").asLong();
        });
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(pod(0).path("role").asText()).isEqualTo("primary");
        assertThat(pod(0).path("port")).isEqualTo(before.path("port"));
        awaitRowOn(home.servicePort("demo", "rw"), "acknowledged before the manager died");
        write("written after");
        awaitRowOn(pod(1).path("port").asInt(), "written after");
    }

    @Test
    void gracefulDeletePodAlsoRecreates() throws Exception {
        home.pgset("up").ok();
        long pid = pod(2).path("pid").asLong();
        home.pgset("delete-pod", "demo-2").ok();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode p = pod(2);
            return p != null && p.path("ready").asBoolean() && p.path("pid").asLong() != pid;
        });
        assertThat(Files.readString(home.cluster("demo").resolve("pods/demo-2/log"))).contains("fast shutdown");
    }

    @Test
    void crashedPostgresIsRestartedInPlaceByItsInstanceManager() throws Exception {
        home.pgset("up").ok();
        JsonNode before = pod(1);
        long postmaster = postmasterPid("demo-1");
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode p = pod(1);
            return p.path("ready").asBoolean() && p.path("restarts").asInt() == 1;
        });
        assertThat(pod(1).path("pid")).as("the instance process itself was not replaced").isEqualTo(before.path("pid"));
        assertThat(postmasterPid("demo-1")).isNotEqualTo(postmaster);
    }

    @Test
    void controllerKilledLeavesPostgresServingAndNextUpAdoptsWithoutRestart() throws Exception {
        home.pgset("up").ok();
        write("served without a controller");
        long controller = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile()).path("pid").asLong();
        long[] postmasters = {postmasterPid("demo-0"), postmasterPid("demo-1"), postmasterPid("demo-2")};
        ProcessHandle.of(controller).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(controller).isEmpty());

        JsonNode offline = home.status("demo");
        assertThat(offline.path("phase").asText()).isEqualTo("DEGRADED");
        assertThat(offline.path("message").asText()).contains("controller is not running");
        awaitRowOn(offline.path("pods").get(2).path("port").asInt(), "served without a controller");

        home.pgset("up").ok();
        assertThat(new long[] {postmasterPid("demo-0"), postmasterPid("demo-1"), postmasterPid("demo-2")})
                .as("postgres was not restarted").containsExactly(postmasters);
        assertThat(home.status("demo").path("phase").asText()).isEqualTo("HEALTHY");
    }

    @Test
    void downStopsEverythingAndUpResumesWithSameVolumesPortsAndData() throws Exception {
        home.pgset("up").ok();
        write("kept across down");
        JsonNode before = home.status("demo");
        home.pgset("down", "demo").ok();
        assertThat(home.processes()).isEmpty();
        assertThat(home.status("demo").path("phase").asText()).isEqualTo("STOPPED");

        home.pgset("up").ok();
        JsonNode after = home.status("demo");
        assertThat(after.path("services")).isEqualTo(before.path("services"));
        for (int i = 0; i < 3; i++) {
            assertThat(after.path("pods").get(i).path("port")).isEqualTo(before.path("pods").get(i).path("port"));
        }
        awaitRowOn(after.path("services").path("rw").path("port").asInt(), "kept across down");
        awaitRowOn(after.path("pods").get(2).path("port").asInt(), "kept across down");
    }

    @Test
    void deleteKeepsVolumesUnlessAskedAndUpBringsTheDataBack() throws Exception {
        home.pgset("up").ok();
        write("survives delete");
        home.pgset("delete", "demo").ok();
        assertThat(home.processes()).isEmpty();
        Path volumes = home.cluster("demo").resolve("volumes");
        assertThat(volumes.resolve("data-demo-0/pgdata/PG_VERSION")).exists();
        assertThat(home.pgset("status", "demo").exit()).isNotZero();

        home.pgset("up").ok();
        awaitRowOn(home.servicePort("demo", "rw"), "survives delete");

        home.pgset("delete", "demo", "--volumes").ok();
        assertThat(home.processes()).isEmpty();
        assertThat(home.cluster("demo")).doesNotExist();
    }

    private JsonNode pod(int ordinal) throws Exception {
        for (JsonNode p : home.status("demo").path("pods")) {
            if (p.path("ordinal").asInt() == ordinal) {
                return p;
            }
        }
        return null;
    }

    private long postmasterPid(String pod) throws Exception {
        Path pidFile = home.cluster("demo").resolve("volumes/data-" + pod + "/pgdata/postmaster.pid");
        return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    }

    private void write(String what) throws Exception {
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS notes (what text)");
            s.execute("INSERT INTO notes VALUES ('" + what + "')");
        }
    }

    private void awaitRowOn(int port, String what) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Connection c = home.connect("demo", port); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM notes WHERE what = '" + what + "'")) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        });
    }
}
