package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgset.local.Processes;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica's instance process or its postgres dies and comes back with the same name, port,
 * volume and data. The tests share one default cluster: each begins once all three instances are
 * ready again, and compares with what it saw at its start, so that their order does not matter.
 */
class PodRecreationIT extends SharedCluster {

    @BeforeEach
    void allInstancesReady() {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            JsonNode status = home.status("demo");
            return status.path("phase").asText().equals("Healthy") && status.path("pods").size() == 3;
        });
    }

    @Test
    void deletedInstanceIsRecreatedWithSameNameVolumeAndData() throws Exception {
        home.note("demo", "before the kill");
        JsonNode before = home.pod("demo", 1);
        home.awaitNote("demo", before.path("port").asInt(), "before the kill");

        home.pgset("delete-pod", "demo-1", "--force").ok();
        assertThat(ProcessHandle.of(before.path("pid").asLong()).filter(p -> !Processes.ended(p))).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode p = home.pod("demo", 1);
            return p != null && p.path("ready").asBoolean() && p.path("pid").asLong() != before.path("pid").asLong();
        });
        JsonNode after = home.pod("demo", 1);
        assertThat(after.path("port")).isEqualTo(before.path("port"));
        assertThat(after.path("volume").asText()).isEqualTo("data-demo-1");
        // It came back on its own volume: cloned once, in its first life only.
        assertThat(Files.readString(home.cluster("demo").resolve("pods/demo-1/log"))).containsOnlyOnce("cloning from");
        home.awaitNote("demo", after.path("port").asInt(), "before the kill");
        home.note("demo", "after the kill");
        home.awaitNote("demo", after.path("port").asInt(), "after the kill");
    }

    @Test
    void gracefulDeletePodAlsoRecreates() throws Exception {
        long pid = home.pod("demo", 2).path("pid").asLong();
        home.pgset("delete-pod", "demo-2").ok();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode p = home.pod("demo", 2);
            return p != null && p.path("ready").asBoolean() && p.path("pid").asLong() != pid;
        });
        assertThat(Files.readString(home.cluster("demo").resolve("pods/demo-2/log"))).contains("fast shutdown");
    }

    @Test
    void crashedPostgresIsRestartedInPlaceByItsInstanceManager() throws Exception {
        JsonNode before = home.pod("demo", 1);
        int restarts = before.path("restarts").asInt();
        long postmaster = home.postmasterPid("demo", "demo-1");
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode p = home.pod("demo", 1);
            return p.path("ready").asBoolean() && p.path("restarts").asInt() == restarts + 1;
        });
        assertThat(home.pod("demo", 1).path("pid")).as("the instance process itself was not replaced").isEqualTo(before.path("pid"));
        assertThat(home.postmasterPid("demo", "demo-1")).isNotEqualTo(postmaster);
    }
}
