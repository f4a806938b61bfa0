package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FileSystemSyncTest {

    @ParameterizedTest
    @CsvSource({
            "Linux, 6.18.44-fc-v669, true",
            "Linux, 6.1.0-28-amd64, true",
            "Linux, 5.8.0, true",
            "Linux, 5.10.226-214.880.amzn2.x86_64, true",
            "Linux, 5.7.19, false",
            "Linux, 4.18.0-553.el8_10.x86_64, false",
            "Linux, 3.10.0-1160.el7.x86_64, false",
            "Linux, unknown, false",
            "Mac OS X, 14.5, false",
            "FreeBSD, 14.1-RELEASE, false"})
    void syncfsStandsInForPerFileFsyncOnlyWhereTheKernelReportsItsErrors(String os, String release, boolean syncfs) {
        assertThat(FileSystemSync.syncfsReportsErrors(os, release)).isEqualTo(syncfs);
    }

    @Test
    void withoutSyncfsEveryFileIsFsyncedByTheProgramsThemselves() throws Exception {
        FileSystemSync perFile = new FileSystemSync(new Tools(Path.of("/nonexistent"), PostgresUser.current()), false);

        assertThat(perFile.skipPerFileSync()).isEmpty();
        assertThat(perFile.settings()).as("postgres keeps its own per-file sync before crash recovery").isEmpty();
        perFile.sync(Path.of("/nonexistent")); // nothing to run: the programs synced their files
    }

    @Test
    void withSyncfsTheProgramsSkipTheirWalkAndOneSyncOfTheFileSystemStandsInForIt() throws Exception {
        FileSystemSync syncfs = new FileSystemSync(new Tools(Path.of("/nonexistent"), PostgresUser.current()), true);

        assertThat(syncfs.skipPerFileSync()).containsExactly("--no-sync");
        assertThat(syncfs.settings()).containsExactly(java.util.Map.entry("recovery_init_sync_method", "syncfs"));
        syncfs.sync(Path.of(System.getProperty("java.io.tmpdir"))); // runs sync --file-system, which succeeds
        assertThatThrownBy(() -> syncfs.sync(Path.of("/nonexistent/pgdata.clone")))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("sync --file-system /nonexistent/pgdata.clone failed with exit code 1");
    }
}
