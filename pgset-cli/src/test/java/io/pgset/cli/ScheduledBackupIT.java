package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Backups the local controller takes by itself from {@code spec.backup.schedule}, with real
 * postgres and pgBackRest: from the streaming standby, with retention applied by pgBackRest's
 * expire, across a restart of the controller; and {@code pgset backup --repo}.
 */
class ScheduledBackupIT extends PerTestHome {

    private static final Pattern DUE = Pattern.compile("\\(due (\\S+?)[,)]");

    @Test
    void everyMinuteScheduleTakesBackupsFromTheStandbyAndRetentionKeepsOneFull() throws Exception {
        long start = System.nanoTime();
        // The schedule begins once the standby streams, so that every backup can come from it: under
        // load a backup due in the very second `up` returns could find it not yet ready.
        home.pgset("up", "-f", home.specFile("""
                instances: 2
                backup: {schedule: {}, retention: {full: 1}}
                """).toString()).ok();
        await().atMost(Duration.ofSeconds(30)).until(() -> home.pod("demo", 1).path("ready").asBoolean());
        home.pgset("apply", "-f", home.specFile("""
                instances: 2
                backup: {schedule: {full: "* * * * *"}, retention: {full: 1}}
                """).toString()).ok();
        System.out.printf("ScheduledBackupIT: cluster up in %.1f s%n", seconds(start));

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> events("BackupCompleted").size() >= 1);
        System.out.printf("ScheduledBackupIT: first scheduled backup completed %.1f s after up: %s%n", seconds(start),
                events("BackupCompleted").get(0));

        // A controller killed and started again neither repeats the backup it took nor catches up twice.
        long controller = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile())
                .path("pid").asLong();
        ProcessHandle.of(controller).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(controller).isEmpty());
        home.pgset("up").ok();

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> events("BackupCompleted").size() >= 2);
        System.out.printf("ScheduledBackupIT: second scheduled backup completed %.1f s after up: %s%n",
                seconds(start), events("BackupCompleted").get(1));

        assertThat(events("BackupFailed")).isEmpty();
        List<String> started = events("BackupStarted");
        assertThat(started).allSatisfy(line -> assertThat(line)
                .contains("pod=demo-1", "scheduled full backup to repository 1 (local), files from standby demo-1"));
        assertThat(started.stream().map(ScheduledBackupIT::due).toList()).doesNotHaveDuplicates();
        assertThat(events("BackupCompleted")).allSatisfy(line -> assertThat(line).matches(
                ".* completed in [0-9.]+ s, [0-9.]+[KMG]?B, label [0-9]{8}-[0-9]{6}F$"));

        JsonNode backups = PgsetHome.JSON.readTree(home.pgset("backups", "demo", "-o", "json").ok().out()).path("backups");
        assertThat(backups).as("retention.full 1: pgBackRest expired the older full backup").hasSize(1);
        assertThat(backups.get(0).path("type").asText()).isEqualTo("full");
        Path manifest = repository("demo", home.cluster("demo").resolve("backups"))
                .resolve("backup/demo/" + backups.get(0).path("label").asText() + "/backup.manifest");
        assertThat(Files.readString(manifest)).as("pgBackRest copied the files from the standby")
                .contains("option-backup-standby=true");

        JsonNode kept = PgsetHome.JSON.readTree(home.cluster("demo").resolve("backup-schedule.json").toFile());
        assertThat(kept.path("slots").path("full").path("cron").asText()).isEqualTo("* * * * *");
        assertThat(kept.path("last").path("source").asText()).isEqualTo("demo-1");
    }

    @Test
    void backupGoesToTheRepositoryAskedForAndRefusesOneTheSpecDoesNotHave() throws Exception {
        Path second = home.dir.resolve("second-repository");
        home.pgset("up", "-f", home.specFile("""
                instances: 1
                backup:
                  repositories: [{name: local}, {name: offsite, path: %s}]
                  schedule: {}
                """.formatted(second)).toString()).ok();
        Path first = repository("demo", home.cluster("demo").resolve("backups"));

        PgsetHome.Result refused = home.pgset("backup", "demo", "--repo", "3");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("cluster demo: --repo 3 is not a repository; spec.backup.repositories"
                + " has 2 (local, offsite), so use 1 to 2");
        PgsetHome.Result unknownType = home.pgset("backup", "demo", "--type", "weekly");
        assertThat(unknownType.exit()).isNotZero();
        assertThat(unknownType.err()).contains("unknown backup type 'weekly'; use full, diff or incr");
        assertThat(labels(first)).isEmpty();

        long start = System.nanoTime();
        PgsetHome.Result backup = home.pgset("backup", "demo", "--repo", "2").ok();
        System.out.printf("ScheduledBackupIT: full backup to repository 2 from the primary took %.1f s%n",
                seconds(start));
        assertThat(backup.out()).contains("cluster demo: full backup to repository 2 (offsite), files from primary"
                + " demo-0 done (");
        assertThat(labels(repository("demo", second))).hasSize(1);
        assertThat(labels(first)).as("repository 1 untouched").isEmpty();
        assertThat(events("BackupStarted")).as("schedule: {} schedules nothing").isEmpty();
    }

    /** The repository directory of the cluster's current system identifier under a repository path. */
    private Path repository(String cluster, Path base) {
        String systemIdentifier = home.pgset("psql", cluster, "--superuser", "--", "-Atc",
                "select system_identifier from pg_control_system()").ok().out().strip();
        return base.resolve(systemIdentifier.lines().reduce((a, b) -> b).orElse(""));
    }

    private static List<String> labels(Path repository) throws IOException {
        Path backups = repository.resolve("backup/demo");
        if (!Files.isDirectory(backups)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(backups)) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]{8}-[0-9]{6}F.*")).toList();
        }
    }

    private List<String> events(String reason) throws IOException {
        Path log = home.cluster("demo").resolve("events.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains(" " + reason + " ")).toList();
    }

    private static String due(String startedLine) {
        Matcher m = DUE.matcher(startedLine);
        assertThat(m.find()).as("due time in %s", startedLine).isTrue();
        return m.group(1);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
