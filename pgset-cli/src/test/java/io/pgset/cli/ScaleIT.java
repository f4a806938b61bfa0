package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ordered scaling with volumes that outlive their instances, and slots that never pin WAL. */
class ScaleIT extends PerTestHome {

    /** Scaling to zero first, on the same cluster: it is refused and changes nothing. */
    @Test
    void scaleUpCreatesInOrderAndScaleDownRemovesHighestFirstKeepingVolumes() throws Exception {
        home.pgset("up").ok();
        scaleToZeroIsRefusedAndChangesNothing();
        int rw = home.servicePort("demo", "rw");
        try (Connection c = home.connect("demo", rw); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int)");
            s.execute("INSERT INTO t SELECT generate_series(1, 100)");
        }

        PgsetHome.Result up = home.pgset("scale", "demo", "--instances", "5").ok();
        assertThat(up.out().indexOf("demo-3 ready")).isPositive().isLessThan(up.out().indexOf("demo-4 starting"));
        assertThat(creates()).containsSubsequence("create demo-3", "create demo-4");
        assertThat(slots(rw)).containsExactlyInAnyOrder("pgset_demo_1", "pgset_demo_2", "pgset_demo_3", "pgset_demo_4");

        home.pgset("scale", "demo", "--instances", "2").ok();
        assertThat(deletes()).containsExactly("delete demo-4", "delete demo-3", "delete demo-2");
        JsonNode status = home.status("demo");
        assertThat(status.path("pods")).hasSize(2);
        assertThat(status.path("volumes")).hasSize(5);
        assertThat(status.path("volumes").get(2).path("boundTo").isNull()).isTrue();
        assertThat(status.path("volumes").get(4).path("boundTo").isNull()).isTrue();
        assertThat(Files.exists(home.cluster("demo").resolve("volumes/data-demo-4/pgdata/PG_VERSION"))).isTrue();
        // A removed instance's slot is dropped, so the primary never keeps WAL for it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> slots(rw).equals(List.of("pgset_demo_1")));

        try (Connection c = home.connect("demo", rw); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t SELECT generate_series(101, 200)");
        }
        home.pgset("scale", "demo", "--instances", "3").ok();
        JsonNode pod2 = home.status("demo").path("pods").get(2);
        assertThat(pod2.path("name").asText()).isEqualTo("demo-2");
        // demo-2 came back on its old volume (no new clone) and caught up from there.
        assertThat(Files.readString(home.cluster("demo").resolve("pods/demo-2/log"))).containsOnlyOnce("cloning from");
        try (Connection c = home.connect("demo", pod2.path("port").asInt()); Statement s = c.createStatement()) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    return rs.getInt(1) == 200;
                }
            });
        }
    }

    private void scaleToZeroIsRefusedAndChangesNothing() throws Exception {
        String spec = Files.readString(home.cluster("demo").resolve("spec.yaml"));
        PgsetHome.Result r = home.pgset("scale", "demo", "--instances", "0");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--instances", "from 1", "got 0");
        assertThat(Files.readString(home.cluster("demo").resolve("spec.yaml"))).isEqualTo(spec);
        assertThat(home.status("demo").path("pods")).hasSize(3);
    }

    private List<String> events() throws Exception {
        return Files.readAllLines(home.cluster("demo").resolve("events.log"));
    }

    private List<String> creates() throws Exception {
        return grep("create demo-");
    }

    private List<String> deletes() throws Exception {
        return grep("delete demo-");
    }

    private List<String> grep(String what) throws Exception {
        List<String> found = new ArrayList<>();
        for (String line : events()) {
            int at = line.indexOf(what);
            if (at >= 0) {
                found.add(line.substring(at, at + what.length() + 1));
            }
        }
        return found;
    }

    private List<String> slots(int port) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = home.connect("demo", port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
