package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.backup} on the local runtime with real postgres and pgBackRest: WAL reaches the
 * posix repository of the cluster's system identifier, and {@code pgset backup} / {@code backups}
 * take and list a full backup, which outlives {@code delete --volumes}.
 */
class BackupIT extends PerTestHome {

    @Test
    void archivesSwitchedWalAndTakesAFullBackupUnderTheSystemIdentifier() throws Exception {
        // A running cluster gets its backup section by apply: archive_mode needs a restart, which the
        // rollout does (replicas first, the primary last).
        home.pgset("up", "-f", home.specFile("instances: 2").toString()).ok();
        home.note("demo", "before backups");
        long applied = System.nanoTime();
        home.pgset("apply", "-f", home.specFile("instances: 2\nbackup: {archive: {timeoutSeconds: 60}}").toString()).ok();
        System.out.printf("BackupIT: apply of a backup section took %.1f s%n", (System.nanoTime() - applied) / 1e9);
        assertThat(superuserSql("show archive_mode")).isEqualTo("on");
        String systemIdentifier = superuserSql("select system_identifier from pg_control_system()");
        Path repository = home.cluster("demo").resolve("backups").resolve(systemIdentifier);

        superuserSql("create table t(i int); insert into t values (1)");
        String segment = superuserSql("select pg_walfile_name(pg_switch_wal())");
        long switched = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> archived(repository, segment));
        System.out.printf("BackupIT: segment %s archived %.2f s after the switch%n", segment,
                (System.nanoTime() - switched) / 1e9);

        long start = System.nanoTime();
        PgsetHome.Result backup = home.pgset("backup", "demo", "--type", "full").ok();
        System.out.printf("BackupIT: full backup took %.2f s%n", (System.nanoTime() - start) / 1e9);
        String replica = home.status("demo").path("primary").asText().equals("demo-0") ? "demo-1" : "demo-0";
        assertThat(backup.out()).contains("new backup label",
                "cluster demo: full backup to repository 1 (local), files from standby " + replica + " done");

        JsonNode backups = PgsetHome.JSON.readTree(home.pgset("backups", "demo", "-o", "json").ok().out()).path("backups");
        assertThat(backups).hasSize(1);
        assertThat(backups.get(0).path("timeline").asLong()).isEqualTo(2); // the switchover of the apply
        JsonNode window = PgsetHome.JSON.readTree(home.pgset("backups", "demo", "-o", "json").ok().out())
                .path("recoveryWindow");
        assertThat(window.path("from").asText()).isEqualTo(backups.get(0).path("stop").asText());
        assertThat(window.path("lastArchivedWal").asText()).startsWith("00000002");
        assertThat(home.pgset("backups", "demo").ok().out()).contains("recovery window: from "
                + backups.get(0).path("stop").asText());
        assertThat(backups.get(0).path("type").asText()).isEqualTo("full");
        assertThat(backups.get(0).path("label").asText()).endsWith("F");
        assertThat(backups.get(0).path("walStart").asText()).matches("[0-9A-F]{24}");
        assertThat(backups.get(0).path("size").asLong()).isPositive();
        Path backupDir = repository.resolve("backup/demo/" + backups.get(0).path("label").asText());
        assertThat(backupDir).isDirectory();

        assertThat(home.pgset("delete", "demo", "--volumes").ok().out()).contains("its backups are kept");
        assertThat(backupDir).isDirectory();
        assertThat(home.cluster("demo").resolve("volumes")).doesNotExist();
    }

    /** The single value a statement's last row has, run as the superuser on the rw service. */
    private String superuserSql(String sql) {
        String out = home.pgset("psql", "demo", "--superuser", "--", "-Atc", sql).ok().out().strip();
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    private static boolean archived(Path repository, String segment) throws Exception {
        Path archive = repository.resolve("archive/demo");
        if (!Files.isDirectory(archive)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(archive)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(segment + "-"));
        }
    }
}
