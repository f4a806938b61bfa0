package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time recovery into new clusters with real postgres and pgBackRest: a backup, two rows,
 * a moment read from postgres, a third row and a {@code DROP TABLE}; a cluster recovered to the
 * moment has exactly the two rows, one recovered to the end of the backup has none, the source is
 * never written to, and the new clusters' replicas stream.
 */
class PitrIT extends PerTestHome {

    @Test
    void recoversToAMomentAndToTheEndOfTheBackupWithoutTouchingTheSource() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1\nbackup: {}").toString()).ok();
        sql("demo", "create table t(i int)");
        String beforeTheBackup = java.time.OffsetDateTime.now().minusSeconds(2).toString();
        home.pgset("backup", "demo").ok();
        PgsetHome.awaitNextSecond();
        sql("demo", "insert into t values (1); insert into t values (2)");
        String moment = sql("demo", "select to_char(clock_timestamp() at time zone 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')");
        sql("demo", "insert into t values (3)");
        sql("demo", "drop table t");
        archiveEverything("demo");
        String system = sql("demo", "select system_identifier from pg_control_system()");

        // Targets that cannot be reached: refused with the field, and nothing of the new cluster is left.
        PgsetHome.Result early = home.pgset("up", "-f", spec("tooearly", 1, "{source: {cluster: demo}, target: {time: \""
                + beforeTheBackup + "\"}}"));
        assertThat(early.exit()).isNotZero();
        assertThat(early.err()).contains("spec.bootstrap.recovery.target.time: no backup of cluster demo ended before"
                + " the target time");
        assertThat(home.cluster("tooearly")).doesNotExist();
        PgsetHome.Result other = home.pgset("up", "-f", spec("other", 1, "{source: {cluster: demo, systemIdentifier:"
                + " \"123\"}}"));
        assertThat(other.err()).contains("spec.bootstrap.recovery.source.systemIdentifier: repository local of cluster"
                + " demo holds no backups of database system 123 (it holds: " + system + ")");
        assertThat(home.cluster("other")).doesNotExist();

        long start = System.nanoTime();
        home.pgset("up", "-f", spec("pitr", 2, "{source: {cluster: demo}, target: {time: \"" + moment + "\"}}")).ok();
        System.out.printf("PitrIT: cluster recovered to %s and healthy with 2 instances in %.1f s%n", moment,
                (System.nanoTime() - start) / 1e9);
        assertThat(sql("pitr", "select string_agg(i::text, ',' order by i) from t")).isEqualTo("1,2");
        assertThat(sql("pitr", "select count(*) from pg_stat_replication where state = 'streaming'")).isEqualTo("1");
        assertThat(sql("pitr", "select timeline_id from pg_control_checkpoint()")).isNotEqualTo("1");
        home.note("pitr", "written after recovery"); // the new cluster takes writes with its own passwords

        PgsetHome.Result restore = home.pgset("restore", "demo", "early", "--immediate").ok();
        assertThat(restore.out()).contains("cluster early: recovering from cluster demo's backups to the end of the"
                + " backup (immediate)", "cluster early is Healthy: 1/1 instances ready");
        assertThat(sql("early", "select count(*) from t")).isEqualTo("0");
        assertThat(home.pgset("restore", "demo", "early").err()).contains("cluster early exists already");

        assertThat(sql("demo", "select count(*) from pg_tables where tablename = 't'")).isEqualTo("0");
        Path source = home.cluster("demo").resolve("backups").resolve(system);
        assertThat(names(source.resolve("archive"))).as("stanzas in the source's repository").containsExactly("demo");
        assertThat(names(source.resolve("backup"))).as("stanzas in the source's repository").containsExactly("demo");
        // The new cluster archives into its own repository, beginning with its new timeline's history.
        String timeline = sql("pitr", "select lpad(to_hex(timeline_id), 8, '0') from pg_control_checkpoint()");
        Path own = home.cluster("pitr").resolve("backups").resolve(system).resolve("archive/pitr");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(own) && names(own).stream()
                .anyMatch(d -> Files.exists(own.resolve(d).resolve(timeline.toUpperCase() + ".history"))));

        // The source deleted (its repository kept), a moment after its last archived WAL cannot be reached.
        home.pgset("delete", "demo", "--volumes").ok();
        String afterTheEnd = java.time.OffsetDateTime.now().toString();
        start = System.nanoTime();
        PgsetHome.Result late = home.pgset("up", "-f", spec("late", 1, "{source: {cluster: demo}, target: {time: \""
                + afterTheEnd + "\"}}"));
        System.out.printf("PitrIT: a target after the archive was refused in %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertThat(late.exit()).isNotZero();
        assertThat(late.err()).contains("cluster late cannot be created: pod late-0: restore failed (from cluster demo):"
                + " replaying the archived WAL to time " + afterTheEnd,
                "spec.bootstrap.recovery.target: the target is after the last archived WAL");
        assertThat(late.out()).contains("cluster late: removed again, it holds no data");
        assertThat(home.cluster("late")).as("what the failed recovery created").doesNotExist();
    }

    @Test
    void aSourceWithoutBackupsIsRefusedBeforeAnythingIsCreated() throws Exception {
        PgsetHome.Result missing = home.pgset("up", "-f", spec("copy", 1, "{source: {cluster: nosuch}}"));

        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("spec.bootstrap.recovery.source: there are no backups of cluster nosuch");
        assertThat(home.cluster("copy")).doesNotExist();
    }

    private String spec(String name, int instances, String recovery) throws Exception {
        Path file = home.dir.resolve(name + ".yaml");
        Files.writeString(file, "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: " + name
                + "}\nspec:\n  instances: " + instances + "\n  backup: {}\n  bootstrap:\n    recovery: " + recovery + "\n");
        return file.toString();
    }

    /** Switches to a new WAL segment and waits until the one switched from is archived. */
    private void archiveEverything(String cluster) {
        String segment = sql(cluster, "select pg_walfile_name(pg_switch_wal())");
        await().atMost(Duration.ofSeconds(30)).until(() -> sql(cluster,
                "select coalesce(last_archived_wal >= '" + segment + "', false) from pg_stat_archiver").equals("t"));
    }

    /** The single value a statement's last row has, run as the superuser on the rw service. */
    private String sql(String cluster, String sql) {
        String out = home.pgset("psql", cluster, "--superuser", "--", "-Atc", sql).ok().out().strip();
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    private static java.util.List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
