package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.ClusterSpec.RecoveryTarget;
import io.pgset.core.model.ClusterSpec.RecoveryTarget.TargetType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBackRestRestoreTest {

    @Test
    void readsTheSourceRepositoryOfOneIncarnationIntoTheStagingDirectory() {
        String conf = PgBackRestRestore.conf("old", new PosixRepository("local", ""), "/h/clusters/old/backups",
                "7312345678901234567", Map.of(), "/h/clusters/new/data-new-0/pgbackrest-restore", "/h/clusters/new/data-new-0/pgdata.restore");

        assertThat(conf).contains("repo1-type=posix\n", "repo1-path=/h/clusters/old/backups/7312345678901234567\n",
                "lock-path=/h/clusters/new/data-new-0/pgbackrest-restore/lock\n",
                "\n[old]\npg1-path=/h/clusters/new/data-new-0/pgdata.restore\n");
        assertThat(conf).doesNotContain("retention", "archive-push-queue-max");
    }

    @Test
    void withoutASystemIdentifierItAddressesTheRepositoryBase() {
        assertThat(PgBackRestRestore.conf("old", new PosixRepository("nas", "/mnt/nas"), "/unused", "", Map.of(), "/s", "/p"))
                .contains("repo1-path=/mnt/nas\n");
    }

    @Test
    void everyTargetButTheEndOfTheArchivePromotesThere() {
        assertThat(PgBackRestRestore.targetOptions(RecoveryTarget.latest())).containsExactly("--type=default");
        assertThat(PgBackRestRestore.targetOptions(new RecoveryTarget(TargetType.IMMEDIATE, "")))
                .containsExactly("--type=immediate", "--target-action=promote");
        assertThat(PgBackRestRestore.targetOptions(new RecoveryTarget(TargetType.LSN, "0/3000060")))
                .containsExactly("--type=lsn", "--target=0/3000060", "--target-action=promote");
        assertThat(PgBackRestRestore.targetOptions(new RecoveryTarget(TargetType.NAME, "before-migration")))
                .containsExactly("--type=name", "--target=before-migration", "--target-action=promote");
    }

    @Test
    void timeTargetsArePassedInUtcWithMicroseconds() {
        assertThat(PgBackRestRestore.targetOptions(new RecoveryTarget(TargetType.TIME, "2026-11-29T10:00:00.5+01:30")))
                .containsExactly("--type=time", "--target=2026-11-29 08:30:00.500000+00", "--target-action=promote");
        assertThat(PgBackRestRestore.utc("2026-11-29T23:59:59.123456-05:00")).isEqualTo("2026-11-30 04:59:59.123456+00");
    }
}
