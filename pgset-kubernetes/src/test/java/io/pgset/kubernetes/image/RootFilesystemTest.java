package io.pgset.kubernetes.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootFilesystemTest {

    @TempDir
    Path root;

    @Test
    void aMountPointBehindTheImagesLinksResolvesInsideTheImage() throws IOException {
        Files.createDirectories(root.resolve("run/postgresql"));
        Files.createDirectories(root.resolve("var"));
        Files.createSymbolicLink(root.resolve("var/run"), Path.of("/run"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(root.resolve("usr/lib/up"), Path.of("../../.."));
        RootFilesystem rootfs = rootfs();

        assertThat(rootfs.resolveLinks("/var/run/postgresql")).isEqualTo("/run/postgresql");
        assertThat(rootfs.resolveLinks("/lib/x/y")).isEqualTo("/usr/lib/x/y");
        assertThat(rootfs.resolveLinks("/lib/up/etc/hosts")).as("no way out above the image's root").isEqualTo("/etc/hosts");
        assertThat(rootfs.resolveLinks("/var/lib/pgset/")).isEqualTo("/var/lib/pgset");
    }

    @Test
    void aLinkLoopIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));

        assertThatThrownBy(() -> rootfs().resolveLinks("/a/x")).hasMessageContaining("too many levels of symbolic links");
    }

    @Test
    void theImagesUserIsItsIdsWithItsGroup() {
        assertThat(RunAs.parse("999:998")).isEqualTo(new RunAs(999, 998, List.of(998L)));
        assertThatThrownBy(() -> RunAs.parse("postgres")).hasMessageContaining("USER 999:999");
    }

    private RootFilesystem rootfs() {
        return new RootFilesystem(root, new ImageConfig(Path.of("/opt/pgset/pgset.jar"), Map.of(), "999:999",
                Path.of("/var/lib/pgset"), List.of("java"), List.of("instance")));
    }
}
