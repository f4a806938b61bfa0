package io.pgset.kubernetes.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a process chrooted into the image sees as its root: a writable overlayfs layer of its own
 * over the shared, unchanged root filesystem (read-only, as {@code readOnlyRootFilesystem} makes a
 * container's, when {@code readOnly}), the built jar at the image's jar path, then the binds in order.
 *
 * @param layer a folder of the caller's, empty at first, for the writable layer; {@link #removeLayer}
 *              deletes it once the process has ended (its mounts end with its mount namespace)
 */
public record ChrootFilesystem(RootFilesystem rootfs, Path layer, Path jar, List<Bind> binds, boolean readOnly) {

    public ChrootFilesystem {
        binds = List.copyOf(binds);
    }

    /**
     * Deletes the layer: what the process wrote outside its binds, which a container runtime also
     * drops with the container. Call it once the process has ended.
     *
     * @throws UncheckedIOException when a file of it cannot be deleted
     */
    public void removeLayer() {
        if (!Files.exists(layer)) {
            return;
        }
        try (Stream<Path> files = Files.walk(layer)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the chroot layer " + layer + "; is a process still using it?", e);
        }
    }
}
