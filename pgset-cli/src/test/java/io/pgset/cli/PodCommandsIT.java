package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The commands a Kubernetes pod runs (`prepare-volume`, `instance` with the pod's mounts), and their errors. */
class PodCommandsIT extends PerTestHome {

    @Test
    void prepareVolumeRestoresPrivateModesAndNamesAMissingVolume() throws Exception {
        Path volume = Files.createDirectories(home.dir.resolve("claim"));
        Path key = Files.writeString(Files.createDirectories(volume.resolve("tls")).resolve("server.key"), "k");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw----"));

        PgsetHome.Result r = home.pgset("prepare-volume", "--volume", volume.toString());
        assertThat(r.exit()).isEqualTo(0);
        assertThat(r.out()).contains("server.key: rw-rw---- -> rw-------", "is ready");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        PgsetHome.Result missing = home.pgset("prepare-volume", "--volume", home.dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("nope is not a mounted directory");
    }

    @Test
    void anInstanceOutsideAPodSaysWhatItLacks() throws Exception {
        Path volume = Files.createDirectories(home.dir.resolve("claim"));
        PgsetHome.Result noPod = home.pgset("instance", "--cluster=demo", "--volume=" + volume,
                "--secrets=" + home.dir, "--spec=" + home.dir.resolve("spec.yaml"));
        assertThat(noPod.exit()).isEqualTo(2);
        assertThat(noPod.err()).contains("POD_NAME is not set", "downward API");

        PgsetHome.Result neither = home.pgset("instance", "--cluster=demo");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("give --ordinal, --port and --api-port", "--volume, --secrets and --spec");

        PgsetHome.Result mixed = home.pgset("instance", "--cluster=demo", "--volume=" + volume, "--ordinal=1",
                "--secrets=" + home.dir, "--spec=" + home.dir.resolve("spec.yaml"));
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.err()).contains("drop --ordinal");
    }
}
