package io.pgset.core.spec;

import static io.pgset.core.spec.SpecReaderTest.problemsOf;
import static io.pgset.core.spec.SpecReaderTest.withSpec;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The archiving parameters belong to spec.backup: refused in spec.postgres.parameters, saying what to use. */
class ArchiveParametersTest {

    @Test
    void withBackupEveryArchivingParameterIsRefusedNamingWhatToUseInstead() {
        assertThat(problemsOf(withSpec("""
                backup: {}
                postgres:
                  parameters: {archive_mode: "on", archive_command: "cp %p /x/%f", archive_library: basic_archive,
                               restore_command: "cp /x/%f %p", archive_timeout: 30s, work_mem: 8MB}"""))).containsExactlyInAnyOrder(
                "spec.postgres.parameters.archive_command: pgset archives WAL with pgBackRest for spec.backup and"
                        + " sets archive_command itself; remove it from the spec",
                "spec.postgres.parameters.archive_library: pgset archives WAL with pgBackRest for spec.backup and"
                        + " sets archive_library itself; remove it from the spec",
                "spec.postgres.parameters.archive_mode: pgset archives WAL with pgBackRest for spec.backup and"
                        + " sets archive_mode itself; remove it from the spec",
                "spec.postgres.parameters.archive_timeout: pgset sets archive_timeout from"
                        + " spec.backup.archive.timeoutSeconds; remove it here and set that instead",
                "spec.postgres.parameters.restore_command: pgset archives WAL with pgBackRest for spec.backup and"
                        + " sets restore_command itself; remove it from the spec");
    }

    @Test
    void withoutBackupAnArchiveOfItsOwnIsRefusedAndArchiveTimeoutIsHarmless() {
        assertThat(problemsOf(withSpec("""
                postgres:
                  parameters: {archive_mode: "on", archive_command: "cp %p /x/%f", archive_timeout: 30s}"""
        ))).containsExactlyInAnyOrder(
                "spec.postgres.parameters.archive_command: pgset archives WAL only through spec.backup (pgBackRest);"
                        + " remove archive_command and add a spec.backup section instead",
                "spec.postgres.parameters.archive_mode: pgset archives WAL only through spec.backup (pgBackRest);"
                        + " remove archive_mode and add a spec.backup section instead");
        assertThat(SpecReader.read(withSpec("postgres: {parameters: {archive_timeout: 30s}}")).postgres().parameters())
                .containsEntry("archive_timeout", "30s");
    }
}
