package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumePreparationTest {

    @TempDir
    Path volume;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static void chmod(Path path, String mode) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    /** What kubelet's fsGroup handling leaves: everything group-readable and -writable. */
    @Test
    void restoresPrivateModesThatFsGroupOwnershipOpenedUp() throws IOException {
        Path pgdata = Files.createDirectories(volume.resolve("pgdata/base"));
        Path conf = Files.writeString(volume.resolve("pgdata/postgresql.conf"), "x");
        Path key = Files.writeString(Files.createDirectories(volume.resolve("tls")).resolve("server.key"), "k");
        Path passfile = Files.writeString(volume.resolve("replication.pgpass"), "p");
        chmod(volume.resolve("pgdata"), "rwxrwx---");
        chmod(pgdata, "rwxrwx---");
        chmod(conf, "rw-rw----");
        chmod(volume.resolve("tls"), "rwxrwx---");
        chmod(key, "rw-rw----");
        chmod(passfile, "rw-rw-r--");

        var changed = VolumePreparation.prepare(volume);

        assertThat(mode(volume.resolve("pgdata"))).isEqualTo("rwx------");
        assertThat(mode(volume.resolve("tls"))).isEqualTo("rwx------");
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(mode(passfile)).isEqualTo("rw-------");
        // Inside PGDATA is postgres's own business: left as it is.
        assertThat(mode(pgdata)).isEqualTo("rwxrwx---");
        assertThat(mode(conf)).isEqualTo("rw-rw----");
        assertThat(changed).hasSize(4).anySatisfy(line -> assertThat(line).endsWith("server.key: rw-rw---- -> rw-------"));
        assertThat(VolumePreparation.prepare(volume)).isEmpty();
    }

    /** ext4 gives every filesystem a root-owned lost+found, which uid 999 may not chmod. */
    @Test
    void leavesTheFilesystemsLostAndFoundAlone() throws IOException {
        Path lost = Files.createDirectories(volume.resolve("lost+found"));
        chmod(lost, "rwxrwx---");
        assertThat(VolumePreparation.prepare(volume)).isEmpty();
        assertThat(mode(lost)).isEqualTo("rwxrwx---");
    }

    @Test
    void aMissingVolumeIsAClearError() throws IOException {
        assertThatThrownBy(() -> VolumePreparation.prepare(volume.resolve("absent")))
                .hasMessageContaining("is not a mounted directory").hasMessageContaining("data");
        Path file = Files.writeString(volume.resolve("file"), "");
        assertThatThrownBy(() -> VolumePreparation.prepare(file)).hasMessageContaining("is not a mounted directory");
    }
}
