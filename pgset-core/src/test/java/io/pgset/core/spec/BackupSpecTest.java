package io.pgset.core.spec;

import static io.pgset.core.spec.SpecReaderTest.problemsOf;
import static io.pgset.core.spec.SpecReaderTest.withSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.ArchiveSpec;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.RetentionSpec;
import io.pgset.core.model.BackupSpec.ScheduleSpec;
import io.pgset.core.model.BackupSpec.BackupType;
import java.util.Map;
import io.pgset.core.model.BackupSpec.S3Credentials;
import io.pgset.core.model.BackupSpec.S3Repository;
import io.pgset.core.model.BackupSpec.UriStyle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code spec.backup}: repositories, retention and archiving, read and checked by field path. */
class BackupSpecTest {

    @Test
    void absentSectionMeansNoArchiving() {
        assertThat(SpecReader.read(withSpec("instances: 1")).backup().enabled()).isFalse();
    }

    @Test
    void emptySectionArchivesToTheLocalDefaultRepository() {
        ClusterSpec spec = SpecReader.read(withSpec("backup: {}"));

        assertThat(spec.backup()).isEqualTo(new BackupSpec(true, List.of(new PosixRepository("local", "")),
                ScheduleSpec.DEFAULT, new RetentionSpec(7), new ArchiveSpec(60)));
        assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
    }

    @Test
    void s3RepositoryTakesDefaultsForPathAndUriStyle() {
        ClusterSpec spec = SpecReader.read(withSpec("""
                backup:
                  repositories:
                    - {name: s3, type: s3, endpoint: "localhost:9000", bucket: backups, region: us-east-1,
                       credentials: {secretName: demo-s3}}"""));

        assertThat(spec.backup().repositories()).containsExactly(new S3Repository("s3", "localhost:9000", "backups",
                "us-east-1", "/pgset/demo", UriStyle.HOST, new S3Credentials("demo-s3", ""), ""));
        assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
    }

    @Test
    void reportsEveryRepositoryProblemByFieldPath() {
        assertThat(problemsOf(withSpec("""
                backup:
                  repositories:
                    - {name: disk, path: relative/dir, size: 3}
                    - {name: disk, type: nfs}
                    - {type: s3, endpoint: "https://s3", bucket: B, region: "", credentials: {file: a, key: x}}
                    - {name: s4, type: s3, credentials: {secretName: x, file: /f}}
                    - just-a-name
                  retention: {full: 0}
                  archive: {timeoutSeconds: 0, mode: async}"""))).containsExactly(
                "spec.backup.repositories[4]: must be a mapping, got \"just-a-name\"",
                "spec.backup.repositories[0].size: unknown field (known: name, type, path)",
                "spec.backup.repositories[0].path: must be an absolute path, got \"relative/dir\"",
                "spec.backup.repositories[1].name: must be unique among the repositories, got \"disk\" twice",
                "spec.backup.repositories[1].type: must be one of posix, s3, got \"nfs\"",
                "spec.backup.repositories[2].name: is required",
                "spec.backup.repositories[2].endpoint: must be a host name with an optional :port, such as"
                        + " s3.example.com or localhost:9000, got \"https://s3\"",
                "spec.backup.repositories[2].bucket: must be an S3 bucket name (3 to 63 lowercase letters,"
                        + " digits, '.' and '-', starting and ending with a letter or digit), got \"B\"",
                "spec.backup.repositories[2].region: must be a region such as us-east-1, got \"\"",
                "spec.backup.repositories[2].credentials.key: unknown field (known: secretName, file)",
                "spec.backup.repositories[2].credentials.file: must be an absolute path, got \"a\"",
                "spec.backup.repositories[3].endpoint: is required",
                "spec.backup.repositories[3].bucket: is required",
                "spec.backup.repositories[3].region: is required",
                "spec.backup.repositories[3].credentials: must name exactly one of secretName (Kubernetes) or"
                        + " file (local)",
                "spec.backup.retention.full: must be >= 1, got 0",
                "spec.backup.archive.mode: unknown field (known: timeoutSeconds)",
                "spec.backup.archive.timeoutSeconds: must be >= 1, got 0");
    }

    @Test
    void refusesAnEmptyRepositoryList() {
        assertThat(problemsOf(withSpec("backup: {repositories: []}"))).containsExactly(
                "spec.backup.repositories: must list at least one repository (or leave it out for the local default)");
    }

    @Test
    void refusesTheOldSingleRepositoryField() {
        assertThat(problemsOf(withSpec("backup: {repository: {type: posix}}"))).containsExactly(
                "spec.backup.repository: unknown field (known: repositories, schedule, retention, archive)");
    }

    @Test
    void writtenScheduleMeansExactlyWhatItSays() {
        ClusterSpec spec = SpecReader.read(withSpec("backup: {schedule: {full: \"0 1 * * *\", incremental: \"0 * * * *\"}}"));

        assertThat(spec.backup().schedule()).isEqualTo(new ScheduleSpec("0 1 * * *", "", "0 * * * *"));
        assertThat(spec.backup().schedule().byType())
                .isEqualTo(Map.of(BackupType.FULL, "0 1 * * *", BackupType.INCR, "0 * * * *"));
        assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
    }

    @Test
    void emptyScheduleSchedulesNothing() {
        ClusterSpec spec = SpecReader.read(withSpec("backup: {schedule: {}}"));

        assertThat(spec.backup().schedule().byType()).isEmpty();
        assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
    }

    @Test
    void defaultScheduleIsAWeeklyFullAndNightlyIncrementals() {
        assertThat(SpecReader.read(withSpec("backup: {}")).backup().schedule().byType())
                .isEqualTo(Map.of(BackupType.FULL, "0 3 * * 0", BackupType.INCR, "0 3 * * 1-6"));
    }

    @Test
    void everyBadScheduleEntryIsNamedByItsField() {
        assertThat(problemsOf(withSpec("""
                backup:
                  schedule: {full: "0 3 * *", differential: "0 0 31 2 *", incremental: "61 * * * *", hourly: "0 * * * *"}
                """))).containsExactlyInAnyOrder(
                "spec.backup.schedule.hourly: unknown field (known: full, differential, incremental)",
                "spec.backup.schedule.full: must be a 5-field cron expression (minute hour day-of-month month"
                        + " day-of-week) such as \"0 3 * * 0\": has 4 fields, not 5 (minute hour day-of-month month"
                        + " day-of-week), got \"0 3 * *\"",
                "spec.backup.schedule.differential: must be a 5-field cron expression (minute hour day-of-month"
                        + " month day-of-week) such as \"0 3 * * 0\": never fires: no chosen month has day 31,"
                        + " got \"0 0 31 2 *\"",
                "spec.backup.schedule.incremental: must be a 5-field cron expression (minute hour day-of-month"
                        + " month day-of-week) such as \"0 3 * * 0\": minute field: 61 is out of range 0-59,"
                        + " got \"61 * * * *\"");
    }

    @Test
    void theOldSingleCronStringIsRefused() {
        assertThat(problemsOf(withSpec("backup: {schedule: \"0 3 * * *\"}")))
                .containsExactly("spec.backup.schedule: must be a mapping, got \"0 3 * * *\"");
    }
}
