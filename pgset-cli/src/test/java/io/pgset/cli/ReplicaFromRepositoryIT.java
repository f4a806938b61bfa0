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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * New replicas from the backup repository (issue 10, part 5): with a backup, scale-up restores
 * the replica with pgBackRest, which then replays the archive and streams from the primary;
 * without one, or when the restore fails, pg_basebackup clones it; events say which, and how long.
 */
class ReplicaFromRepositoryIT extends PerTestHome {

    @Test
    void scaleUpRestoresTheNewReplicaFromTheNewestBackupAndItStreamsEveryRow() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1\nbackup: {}").toString()).ok();
        insert(1, 100);
        home.pgset("backup", "demo", "--type", "full").ok();
        String label = newestBackup();
        insert(101, 200); // after the backup, and not yet archived: it reaches the replica by streaming

        scaleTo(2, "with a restore from the repository");

        String event = event("pod=demo-1 ");
        System.out.println("ReplicaFromRepositoryIT: " + event);
        assertThat(event).contains("Normal Cloned", "demo-1 restored from the backup repository (backup " + label);
        assertThat(podLog("demo-1")).contains("restored backup " + label).doesNotContain("cloning from");
        assertThat(home.cluster("demo").resolve("volumes/data-demo-1/pgdata.clone")).doesNotExist();
        // pgBackRest's recovery settings, which name the staging directory, are gone: pgset's config rules.
        assertThat(Files.readString(home.cluster("demo").resolve("volumes/data-demo-1/pgdata/postgresql.auto.conf")))
                .doesNotContain("restore_command");

        assertThat(home.pod("demo", 1).path("ready").asBoolean()).isTrue();
        assertThat(superuserSql("select state from pg_stat_replication where application_name = 'demo-1'"))
                .isEqualTo("streaming");
        assertThat(superuserSql("select active from pg_replication_slots where slot_name = 'pgset_demo_1'"))
                .isEqualTo("t");
        insert(201, 300);
        awaitRows(home.pod("demo", 1).path("port").asInt(), 300);
    }

    @Test
    void withoutABackupOrWhenTheRestoreFailsScaleUpClonesWithPgBasebackup() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1\nbackup: {}").toString()).ok();
        insert(1, 100);

        scaleTo(2, "with pg_basebackup (no backup yet)");
        String event = event("pod=demo-1 ");
        System.out.println("ReplicaFromRepositoryIT: " + event);
        assertThat(event).contains("Normal Cloned", "demo-1 cloned from the primary with pg_basebackup",
                "no backup in repository 1 yet");
        awaitRows(home.pod("demo", 1).path("port").asInt(), 100);

        // A backup whose files are gone: the restore fails, says why, and pg_basebackup clones instead.
        home.pgset("backup", "demo", "--type", "full").ok();
        Path files = backupDirectory(newestBackup()).resolve("pg_data");
        deleteTree(files);
        insert(101, 200);
        scaleTo(3, "after a failed restore");
        event = event("pod=demo-2 ");
        System.out.println("ReplicaFromRepositoryIT: " + event);
        assertThat(event).contains("Warning Cloned", "demo-2 cloned from the primary with pg_basebackup",
                "restore from the repository failed: pgbackrest restore of backup");
        assertThat(podLog("demo-2")).contains("restoring from the backup repository failed, cloning with"
                + " pg_basebackup instead", "cloning from");
        assertThat(home.pod("demo", 2).path("ready").asBoolean()).isTrue();
        awaitRows(home.pod("demo", 2).path("port").asInt(), 200);
    }

    /** Scales up and prints how long it took, until the new instance was ready. */
    private void scaleTo(int instances, String how) {
        long start = System.nanoTime();
        home.pgset("scale", "demo", "--instances", Integer.toString(instances)).ok();
        System.out.printf("ReplicaFromRepositoryIT: scale-up to %d %s took %.2f s%n", instances, how,
                (System.nanoTime() - start) / 1e9);
    }

    private void insert(int from, int to) throws Exception {
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)");
            s.execute("INSERT INTO t SELECT generate_series(" + from + ", " + to + ")");
        }
    }

    /** Waits until the instance at that port holds exactly rows 1..n (the replica streams them). */
    private void awaitRows(int port, int n) {
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            try (Connection c = home.connect("demo", port); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), min(id), max(id) FROM t")) {
                rs.next();
                return rs.getInt(1) == n && rs.getInt(2) == 1 && rs.getInt(3) == n;
            }
        });
    }

    private String newestBackup() throws Exception {
        JsonNode backups = PgsetHome.JSON.readTree(home.pgset("backups", "demo", "-o", "json").ok().out()).path("backups");
        return backups.get(backups.size() - 1).path("label").asText();
    }

    private Path backupDirectory(String label) throws Exception {
        String system = superuserSql("select system_identifier from pg_control_system()");
        return home.cluster("demo").resolve("backups").resolve(system).resolve("backup/demo").resolve(label);
    }

    /** The one Cloned event about a pod. */
    private String event(String pod) throws Exception {
        List<String> found = Files.readAllLines(home.cluster("demo").resolve("events.log")).stream()
                .filter(l -> l.contains(" Cloned ") && l.contains(pod)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private String podLog(String pod) throws Exception {
        return Files.readString(home.cluster("demo").resolve("pods").resolve(pod).resolve("log"));
    }

    /** The single value a statement's last row has, run as the superuser on the rw service. */
    private String superuserSql(String sql) {
        String out = home.pgset("psql", "demo", "--superuser", "--", "-Atc", sql).ok().out().strip();
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    /** Only inside this test's own home. */
    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
