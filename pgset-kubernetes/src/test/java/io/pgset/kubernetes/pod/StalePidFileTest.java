package io.pgset.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StalePidFileTest {

    @TempDir
    Path pgdata;

    @Test
    void anEarlierContainersPidFileIsRemovedAndItsPidSaid() throws Exception {
        Files.writeString(pgdata.resolve("postmaster.pid"), "49\n/var/lib/pgset/pgdata\n1764490000\n5432\n");
        Files.writeString(pgdata.resolve("PG_VERSION"), "15\n");

        assertThat(StalePidFile.removeBeforeFirstStart(pgdata)).contains("49");
        assertThat(pgdata.resolve("postmaster.pid")).doesNotExist();
        assertThat(pgdata.resolve("PG_VERSION")).exists();
    }

    @Test
    void noPidFileOrNoDataDirectoryChangesNothing() throws Exception {
        assertThat(StalePidFile.removeBeforeFirstStart(pgdata)).isEmpty();
        assertThat(StalePidFile.removeBeforeFirstStart(pgdata.resolve("missing"))).isEmpty();
    }
}
