package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void primaryManagerKilledAloneIsFencedAndFailedOverThenRejoinsAsReplicaWithAllData() throws Exception {
        home.pgset("up").ok();
        write("acknowledged before the manager died");
        JsonNode before = pod(0);
        long orphan = postmasterPid("demo-0");
        // SIGKILL to the instance manager only: its postgres lives on, unsupervised and still writable.
        // The pod is gone, so the controller fences that postgres before it promotes a replica.
        ProcessHandle.of(before.path("pid").asLong()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode p = pod(0);
            return p != null && p.path("ready").asBoolean() && p.path("pid").asLong() != before.path("pid").asLong()
                    && home.status("demo").path("phase").asText().equals("Healthy");
        });
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(pod(0).path("role").asText()).isEqualTo("replica");
        assertThat(pod(0).path("port")).isEqualTo(before.path("port"));
        assertThat(home.status("demo").path("primary").asText()).isIn("demo-1", "demo-2");
        assertThat(home.pgset("events", "demo").ok().out()).contains("fence demo-0", "promote demo-");
        awaitRowOn(home.servicePort("demo", "rw"), "acknowledged before the manager died");
        write("written after");
        awaitRowOn(pod(0).path("port").asInt(), "written after");
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
        assertThat(offline.path("phase").asText()).isEqualTo("Degraded");
        assertThat(offline.path("message").asText()).contains("controller is not running");
        awaitRowOn(offline.path("pods").get(2).path("port").asInt(), "served without a controller");

        home.pgset("up").ok();
        assertThat(new long[] {postmasterPid("demo-0"), postmasterPid("demo-1"), postmasterPid("demo-2")})
                .as("postgres was not restarted").containsExactly(postmasters);
        assertThat(home.status("demo").path("phase").asText()).isEqualTo("Healthy");
    }

    @Test
    void downStopsEverythingAndUpResumesWithSameVolumesPortsAndData() throws Exception {
        home.pgset("up").ok();
        write("kept across down");
        JsonNode before = home.status("demo");
        home.pgset("down", "demo").ok();
        assertThat(home.processes()).isEmpty();
        assertThat(home.status("demo").path("phase").asText()).isEqualTo("Stopped");

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
        assertThat(home.pgset("events", "demo").ok().out()).as("the kept volume is not said to get a new database")
                .contains("demo-0 starts on its volume").doesNotContain("initdb");

        PgsetHome.Result deleted = home.pgset("delete", "demo", "--volumes").ok();
        assertThat(deleted.out()).contains("deleted with its volumes").doesNotContain("kept");
        assertThat(home.processes()).isEmpty();
        assertThat(home.cluster("demo")).doesNotExist();
    }

    private JsonNode pod(int ordinal) throws Exception {
        return home.pod("demo", ordinal);
    }

    private long postmasterPid(String pod) throws Exception {
        return home.postmasterPid("demo", pod);
    }

    private void write(String what) throws Exception {
        home.note("demo", what);
    }

    private void awaitRowOn(int port, String what) {
        home.awaitNote("demo", port, what);
    }
}
