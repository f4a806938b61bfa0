package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgset.local.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Primaries and controllers die, clusters stop and are deleted, and come back; names, ports, volumes
 * and data stay. A replica's instance dying is {@link PodRecreationIT}'s.
 */
class LifecycleIT extends PerTestHome {

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
        // Ended, reaped or not (init reaps the orphan when it gets to it: Processes.ended).
        assertThat(ProcessHandle.of(orphan).filter(p -> !Processes.ended(p))).as("the orphan postgres runs").isEmpty();
        assertThat(pod(0).path("role").asText()).isEqualTo("replica");
        assertThat(pod(0).path("port")).isEqualTo(before.path("port"));
        assertThat(home.status("demo").path("primary").asText()).isIn("demo-1", "demo-2");
        assertThat(home.pgset("events", "demo").ok().out()).contains("fence demo-0", "promote demo-");
        awaitRowOn(home.servicePort("demo", "rw"), "acknowledged before the manager died");
        write("written after");
        awaitRowOn(pod(0).path("port").asInt(), "written after");
    }

    @Test
    void controllerKilledUnderWriteLoadComesBackByItselfWhileRwKeepsServing() throws Exception {
        // Time enough for the primary's instance manager to be silent below without a failover.
        home.pgset("up", "-f", home.specFile("""
                instances: 3
                failover: {delaySeconds: 20}
                """).toString()).ok();
        int rw = home.servicePort("demo", "rw");
        long controller = controllerPid();
        int killedApiPort = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile())
                .path("apiPort").asInt();
        List<Long> instances = instancePids();
        long[] postmasters = {postmasterPid("demo-0"), postmasterPid("demo-1"), postmasterPid("demo-2")};
        assertThat(kernelRoutes()).as("the kernel routes rw to demo-0")
                .contains("tcp dport " + rw + " ip saddr 127.0.0.1 dnat to 127.0.0.1:" + pod(0).path("port").asInt());
        try (Connection open = home.connect("demo", rw); Statement session = open.createStatement();
             RowWriter writer = RowWriter.start(home, "demo", "under_load")) {
            session.execute("CREATE TABLE IF NOT EXISTS kept (id int)");
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged.size() > 10);

            // The primary's instance manager stops answering for a while, as on a machine under load:
            // the next controller's first pass cannot learn that anything is as it was.
            long primaryManager = instances.get(0);
            PgsetHome.signal("STOP", primaryManager);
            try {
                PgsetHome.signal("KILL", controller);
                await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(controller).isEmpty());
                int beforeRestart = writer.acknowledged.size();

                // rw is HAProxy's, not the controller's: the open session and new ones go on at once.
                session.execute("INSERT INTO kept VALUES (1)");
                try (Connection fresh = home.connect("demo", rw); Statement s = fresh.createStatement()) {
                    s.execute("INSERT INTO kept VALUES (2)");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged.size() > beforeRestart + 10);
                // No command: an instance manager starts the controller again, whose first pass
                // finds the primary silent, and leaves rw as it routes.
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> controllerPid() != controller
                        && pod(0).path("role").asText().equals("unknown"));
                session.execute("INSERT INTO kept VALUES (3)");
            } finally {
                PgsetHome.signal("CONT", primaryManager);
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
                    () -> home.status("demo").path("phase").asText().equals("Healthy"));
            session.execute("INSERT INTO kept VALUES (4)");
            assertThat(Files.readString(home.cluster("demo").resolve("controller.log")).split("controller running")[2])
                    .as("the new controller adopted HAProxy as it ran").doesNotContain("HAProxy started", "HAProxy reloaded");
        }
        assertThat(instancePids()).as("the instances were adopted, not restarted").isEqualTo(instances);
        int apiPort = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile())
                .path("apiPort").asInt();
        List<String> sockets = new ArrayList<>();
        try (var files = Files.list(home.cluster("demo").resolve("sockets"))) {
            files.forEach(f -> sockets.add(f.getFileName().toString()));
        }
        List<String> expected = new ArrayList<>(List.of(Integer.toString(apiPort)));
        for (int i = 0; i < 3; i++) {
            expected.add(PgsetHome.JSON.readTree(home.cluster("demo").resolve("pods/demo-" + i + "/ports.json").toFile())
                    .path("api").asText());
        }
        assertThat(sockets).as("the killed controller's socket (%d) was removed by the next", killedApiPort)
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(new long[] {postmasterPid("demo-0"), postmasterPid("demo-1"), postmasterPid("demo-2")})
                .as("postgres was not restarted").containsExactly(postmasters);
        assertThat(home.status("demo").path("primary").asText()).isEqualTo("demo-0");

        home.pgset("down", "demo").ok();
        assertThat(home.cluster("demo").resolve("controller.stopped")).exists();
        assertThat(home.processes()).as("down stops HAProxy too, and no instance brought the controller back")
                .isEmpty();
        assertThat(kernelRoutes()).as("down removes the kernel routes").isEmpty();
    }

    /** The cluster's nftables table as nft lists it, or "" when there is none. */
    private String kernelRoutes() throws Exception {
        String table = io.pgset.local.KernelServices.tableName(home.cluster("demo"));
        Process nft = new ProcessBuilder("/usr/sbin/nft", "list", "table", "ip", table).redirectErrorStream(true).start();
        String listing = new String(nft.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return nft.waitFor() == 0 ? listing : "";
    }

    private long controllerPid() throws Exception {
        return PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile()).path("pid").asLong();
    }

    private List<Long> instancePids() throws Exception {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pids.add(Long.parseLong(Files.readString(home.cluster("demo").resolve("pods/demo-" + i + "/pid")).strip()));
        }
        return pids;
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
