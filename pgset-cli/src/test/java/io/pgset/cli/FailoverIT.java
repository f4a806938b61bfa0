package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The HA rules against real postgres: failover, restart in place, switchover, the sync-mode proof. */
class FailoverIT extends PerTestHome {

    @Test
    void lostPrimaryIsFencedTheMostAdvancedReplicaPromotedAndTheOldPrimaryRewoundIntoAReplica() throws Exception {
        home.pgset("up").ok();
        home.note("demo", "before the failover");
        JsonNode old = pod(0);
        long survivorPostmaster = home.postmasterPid("demo", "demo-2");
        long survivorPid = pod(2).path("pid").asLong();

        home.pgset("delete-pod", "demo-0", "--force").ok(); // kill -9 of the instance and its postgres
        awaitHealthyWith(p -> p.path("ordinal").asInt() == 0 && p.path("pid").asLong() != old.path("pid").asLong());

        JsonNode status = home.status("demo");
        String primary = status.path("primary").asText();
        assertThat(primary).isIn("demo-1", "demo-2");
        assertThat(pod(0).path("role").asText()).isEqualTo("replica");
        for (JsonNode p : status.path("pods")) {
            assertThat(p.path("timeline").asInt()).as("timeline of %s", p.path("name")).isEqualTo(2);
        }
        String events = home.pgset("events", "demo").ok().out();
        assertThat(events).contains("fence demo-0: primary demo-0 lost (pod gone)", "promote " + primary,
                "is the most advanced of", "primary is " + primary + " (promoted)");
        assertThat(Files.readString(home.cluster("demo").resolve("pods/demo-0/log"))).contains("rewound with pg_rewind");
        if (primary.equals("demo-1")) {
            // The other replica followed the new primary by a reload: same instance, same postmaster.
            assertThat(pod(2).path("pid").asLong()).isEqualTo(survivorPid);
            assertThat(home.postmasterPid("demo", "demo-2")).isEqualTo(survivorPostmaster);
        }
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), inet_server_port()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("rw reaches a writable primary").isFalse();
            assertThat(rs.getInt(2)).isEqualTo(pod(io.pgset.core.model.PodName.parse(primary).ordinal()).path("port").asInt());
        }
        home.awaitNote("demo", home.servicePort("demo", "rw"), "before the failover");
        home.note("demo", "after the failover");
        home.awaitNote("demo", pod(0).path("port").asInt(), "after the failover");
        home.awaitNote("demo", pod(0).path("port").asInt(), "before the failover");
    }

    @Test
    void crashedPostgresOfThePrimaryIsRestartedInPlaceWithoutFailover() throws Exception {
        home.pgset("up").ok();
        home.note("demo", "before the crash");
        JsonNode before = pod(0);
        Writer writer = new Writer(home.servicePort("demo", "rw"), "crash_load");
        Thread load = new Thread(writer);
        load.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged.size() > 20);
        long postmaster = home.postmasterPid("demo", "demo-0");
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly(); // in the middle of the writes
        awaitHealthyWith(p -> p.path("ordinal").asInt() == 0 && p.path("restarts").asInt() == 1);
        int afterCrash = writer.acknowledged.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged.size() > afterCrash + 20);
        writer.running.set(false);
        load.join();
        assertThat(writer.missing()).as("every write acknowledged before or after the crash survived it").isEmpty();

        JsonNode after = pod(0);
        assertThat(home.status("demo").path("primary").asText()).isEqualTo("demo-0");
        assertThat(after.path("pid")).as("the instance process was not replaced").isEqualTo(before.path("pid"));
        assertThat(after.path("timeline").asInt()).isEqualTo(1);
        String events = home.pgset("events", "demo").ok().out();
        assertThat(events).doesNotContain("promote", "fence");
        home.awaitNote("demo", home.servicePort("demo", "rw"), "before the crash");
        home.note("demo", "after the crash");
    }

    @Test
    void switchoverHandsOverWithoutLosingACommitAndRefusesTargetsThatCannotTakeOver() throws Exception {
        home.pgset("up").ok();
        PgsetHome.Result primaryAsTarget = home.pgset("switchover", "demo", "--to", "demo-0");
        assertThat(primaryAsTarget.exit()).isNotZero();
        assertThat(primaryAsTarget.err()).contains("switchover refused: demo-0 is already the primary");
        PgsetHome.Result unknown = home.pgset("switchover", "demo", "--to", "demo-7");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("demo-7 is not a running instance of demo");
        assertThat(home.status("demo").path("primary").asText()).isEqualTo("demo-0");

        Writer writer = new Writer(home.servicePort("demo", "rw"), "switchover_load");
        Thread load = new Thread(writer);
        load.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged.size() > 20);
        home.pgset("switchover", "demo", "--to", "demo-2").ok();
        int atSwitchover = writer.acknowledged.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged.size() > atSwitchover + 20);
        writer.running.set(false);
        load.join();

        awaitHealthyWith(p -> p.path("ordinal").asInt() == 0 && p.path("role").asText().equals("replica"));
        assertThat(home.status("demo").path("primary").asText()).isEqualTo("demo-2");
        assertThat(home.pgset("events", "demo").ok().out()).contains("switchover demo-0 -> demo-2",
                "primary is demo-2 (switchover");
        assertThat(writer.missing()).as("every acknowledged write survived").isEmpty();
    }

    @Test
    void syncModeWithoutEnoughStandbysToProveTheNewestOneStaysWithoutAPrimaryAndSaysWhy() throws Exception {
        Path file = home.specFile("""
                instances: 3
                replication: {mode: sync, syncStandbys: 1}
                """);
        home.pgset("up", "-f", file.toString()).ok();
        long controller = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile()).path("pid").asLong();
        JsonNode[] pods = {pod(0), pod(1), pod(2)};
        // demo-2 goes away first; with ANY 1 of 2, commits are then acknowledged by demo-1 alone.
        try (ServerSocket demo2 = loseForGood(controller, pods[2])) {
            home.note("demo", "acknowledged by demo-1 alone");
            // Now the primary is lost as well: demo-1 alone answers, and it takes two answers to know
            // which standby holds every acknowledged commit.
            try (ServerSocket demo0 = loseForGood(controller, pods[0])) {
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        home.status("demo").path("message").asText().contains("only 1 of 2 standbys answer and 2 are needed"));
                // Well past the detection window, and all the while: no primary.
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                        .until(() -> home.status("demo").path("primary").asText("").isEmpty());
                JsonNode status = home.status("demo");
                assertThat(status.path("primary").asText("")).isEmpty();
                assertThat(status.path("phase").asText()).isNotEqualTo("Healthy");
                assertThat(pod(1).path("role").asText()).isEqualTo("replica");
                String events = home.pgset("events", "demo").ok().out();
                assertThat(events).contains("waiting instead of risking acknowledged data").doesNotContain("promote");
            }
        }
        // Both come back on their own ports: demo-0 as the primary it was, with every commit.
        awaitHealthyWith(p -> p.path("ordinal").asInt() == 2);
        assertThat(home.status("demo").path("primary").asText()).isEqualTo("demo-0");
        home.awaitNote("demo", home.servicePort("demo", "rw"), "acknowledged by demo-1 alone");
    }

    @Test
    void scaleDownThatWouldRemoveThePrimarySwitchesOverFirst() throws Exception {
        home.pgset("up").ok();
        home.pgset("switchover", "demo", "--to", "demo-2").ok();
        home.note("demo", "on demo-2");
        home.pgset("scale", "demo", "--instances", "2").ok();

        JsonNode status = home.status("demo");
        assertThat(status.path("pods")).hasSize(2);
        assertThat(status.path("primary").asText()).isIn("demo-0", "demo-1");
        assertThat(home.pgset("events", "demo").ok().out())
                .contains("scale down would remove the primary demo-2: switching over first", "delete demo-2");
        home.awaitNote("demo", home.servicePort("demo", "rw"), "on demo-2");
    }

    private JsonNode pod(int ordinal) throws Exception {
        return home.pod("demo", ordinal);
    }

    private void awaitHealthyWith(java.util.function.Predicate<JsonNode> pod) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            JsonNode status = home.status("demo");
            if (!status.path("phase").asText().equals("Healthy")) {
                return false;
            }
            for (JsonNode p : status.path("pods")) {
                if (pod.test(p)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Kills the instance and its postgres, and takes its port so it cannot come back, as when its
     * machine is gone. The controller is paused meanwhile, so that it does not recreate the
     * instance in between. Closing the returned socket lets the instance come back.
     */
    private static ServerSocket loseForGood(long controller, JsonNode pod) throws Exception {
        PgsetHome.signal("STOP", controller);
        try {
            killGroup(pod);
            return squat(pod.path("port").asInt());
        } finally {
            PgsetHome.signal("CONT", controller);
        }
    }

    /** kill -9 of an instance and its postgres at once: the instance leads its own process group. */
    private static void killGroup(JsonNode pod) throws Exception {
        PgsetHome.signal("KILL", -pod.path("pid").asLong());
    }

    /** Takes a port on loopback so that the instance that owns it cannot start. */
    private static ServerSocket squat(int port) {
        // The killed postgres may not have let go of it yet.
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(java.net.BindException.class)
                .until(() -> new ServerSocket(port, 1, InetAddress.getLoopbackAddress()), java.util.Objects::nonNull);
    }

    /** Inserts sequential ids through rw, one per transaction, and records each acknowledged one. */
    private final class Writer implements Runnable {
        final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final int rw;
        private final String table;

        Writer(int rw, String table) {
            this.rw = rw;
            this.table = table;
        }

        /** The acknowledged ids that the table, read through rw now, does not hold. */
        Set<Long> missing() throws Exception {
            Set<Long> missing = new java.util.TreeSet<>(acknowledged);
            try (Connection c = home.connect("demo", rw); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
                while (rs.next()) {
                    missing.remove(rs.getLong(1));
                }
            }
            return missing;
        }

        @Override
        public void run() {
            long next = 1;
            while (running.get()) {
                try (Connection c = home.connect("demo", rw); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY)");
                    while (running.get()) {
                        s.executeUpdate("INSERT INTO " + table + " VALUES (" + next + ") ON CONFLICT DO NOTHING");
                        acknowledged.add(next++);
                    }
                } catch (Exception e) {
                    next++; // that one may or may not have committed; it was never acknowledged
                    sleep();
                }
            }
        }

        private void sleep() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.set(false);
            }
        }
    }
}
