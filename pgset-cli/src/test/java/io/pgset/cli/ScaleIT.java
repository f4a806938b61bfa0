package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Ordered scaling with volumes that outlive their instances, and slots that never pin WAL; and
 * Parallel scaling, whose clones run together.
 */
class ScaleIT extends PerTestHome {

    /**
     * Started with {@code podManagementPolicy: Parallel}, then switched to OrderedReady for an
     * ordered scale-up, scaled down, and back to Parallel for a scale-up that creates together.
     * Scaling to zero first, on the same cluster: it is refused and changes nothing.
     */
    @Test
    void scaleUpCreatesInOrderOrTogetherAndScaleDownRemovesHighestFirstKeepingVolumes() throws Exception {
        newParallelClusterCreatesItsPrimaryAloneThenBothReplicasTogetherFromWarmJvms();
        scaleToZeroIsRefusedAndChangesNothing();
        // The policy alone changes only what the controller does next: no instance reloads for it.
        int before = events().size();
        home.pgset("apply", "-f", home.specFile("{instances: 3}").toString()).ok();
        assertThat(events().subList(before, events().size())).noneMatch(line -> line.contains(" Reload "));
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
        scaleUpInParallelTogetherUnderWritesAndLosesNothing(rw);
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

    /**
     * From 2 instances to 4 with {@code podManagementPolicy: Parallel}, under writes through rw:
     * demo-2 (on its kept volume) and demo-3 (whose kept volume is removed first, so it clones
     * anew) are created in one pass, before the controller has waited for either; both stream,
     * each through its own slot, and every row acknowledged before and during the clone is on both.
     */
    private void scaleUpInParallelTogetherUnderWritesAndLosesNothing(int rw) throws Exception {
        PgsetHome.deleteTree(home.cluster("demo").resolve("volumes/data-demo-3"));
        int before = events().size();
        Set<Long> acknowledged;
        try (RowWriter writer = RowWriter.start(home, "demo", "parallel_rows")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged.size() >= 50);
            home.pgset("apply", "-f", home.specFile("{instances: 4, podManagementPolicy: Parallel}").toString()).ok();
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged.size() >= 100);
            writer.close();
            acknowledged = Set.copyOf(writer.acknowledged);
        }
        List<String> step = events().subList(before, events().size());
        assertThat(step).filteredOn(line -> line.contains(" Create ")).hasSize(2).allSatisfy(line ->
                assertThat(line).as("each creation says why").contains("is missing (want 4)", "Parallel"));
        // OrderedReady would create demo-3 only after passes that wait for demo-2 to be Ready.
        int demo3 = indexOf(step, "Create cluster=demo pod=demo-3 ");
        assertThat(indexOf(step, "Create cluster=demo pod=demo-2 ")).isNotNegative().isLessThan(demo3);
        assertThat(step.subList(0, demo3)).noneMatch(line -> line.contains("demo-2 is not ready"));
        assertThat(step).anyMatch(line -> line.contains("Cloned cluster=demo pod=demo-3 "));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                activeSlots(rw).equals(List.of("pgset_demo_1", "pgset_demo_2", "pgset_demo_3")));
        for (int ordinal = 2; ordinal <= 3; ordinal++) {
            int port = home.pod("demo", ordinal).path("port").asInt();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThat(ids(port, "parallel_rows")).containsAll(acknowledged));
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

    /**
     * A new cluster with Parallel: demo-0 alone first (a replica has nothing to clone before it is
     * ready), then demo-1 and demo-2 together, each handed to a JVM started warm while demo-0
     * bootstrapped.
     */
    private void newParallelClusterCreatesItsPrimaryAloneThenBothReplicasTogetherFromWarmJvms() throws Exception {
        home.pgset("up", "-f", home.specFile("{instances: 3, podManagementPolicy: Parallel}").toString()).ok();
        List<String> events = events();
        int ready = indexOf(events, "PrimaryChanged cluster=demo pod=demo-0 ");
        assertThat(indexOf(events, "Create cluster=demo pod=demo-0 ")).isNotNegative().isLessThan(ready);
        assertThat(indexOf(events, "Create cluster=demo pod=demo-1 ")).isGreaterThan(ready);
        createdTogether(events, List.of("demo-1", "demo-2"), List.of("demo-1", "demo-2"));
        assertThat(Files.readString(home.cluster("demo").resolve("controller.log")))
                .contains("pod=demo-1 handed to its warm JVM", "pod=demo-2 handed to its warm JVM");
        // Each clone found its own slot waiting, and streams through it.
        int rw = home.servicePort("demo", "rw");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                activeSlots(rw).equals(List.of("pgset_demo_1", "pgset_demo_2")));
    }

    /**
     * Asserts from the events that every instance in {@code created} was created (at its first
     * Create) before any of {@code cloned} had finished its clone; OrderedReady creates each only
     * once the one before is Ready, so after its clone.
     */
    private static void createdTogether(List<String> events, List<String> created, List<String> cloned) {
        Map<String, Instant> createdAt = new HashMap<>();
        Map<String, Instant> clonedAt = new HashMap<>();
        for (String line : events) {
            Matcher create = CREATED.matcher(line);
            if (create.find()) {
                createdAt.putIfAbsent(create.group(2), Instant.parse(create.group(1)));
            }
            Matcher clone = CLONED.matcher(line);
            if (clone.find()) {
                clonedAt.put(clone.group(1), Instant.parse(clone.group(2)));
            }
        }
        assertThat(createdAt).containsKeys(created.toArray(String[]::new));
        assertThat(clonedAt).containsKeys(cloned.toArray(String[]::new));
        Instant lastCreated = created.stream().map(createdAt::get).max(Instant::compareTo).orElseThrow();
        Instant firstCloned = cloned.stream().map(clonedAt::get).min(Instant::compareTo).orElseThrow();
        assertThat(lastCreated).as("%s all created before any of %s had cloned: created %s, cloned %s", created,
                cloned, createdAt, clonedAt).isBefore(firstCloned);
    }

    private static int indexOf(List<String> lines, String what) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(what)) {
                return i;
            }
        }
        return -1;
    }

    private static final Pattern CREATED = Pattern.compile("^(\\S+) Normal Create cluster=demo pod=(demo-\\d+) ");
    private static final Pattern CLONED = Pattern.compile("Cloned cluster=demo pod=(demo-\\d+) .* with pg_basebackup"
            + " in \\S+ s at (\\S+Z)");

    private List<String> activeSlots(int port) throws Exception {
        return query(port, "SELECT slot_name FROM pg_replication_slots WHERE active ORDER BY 1");
    }

    private Set<Long> ids(int port, String table) throws Exception {
        Set<Long> ids = new HashSet<>();
        query(port, "SELECT id FROM " + table).forEach(id -> ids.add(Long.parseLong(id)));
        return ids;
    }

    private List<String> query(int port, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = home.connect("demo", port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private List<String> slots(int port) throws Exception {
        return query(port, "SELECT slot_name FROM pg_replication_slots ORDER BY 1");
    }
}
