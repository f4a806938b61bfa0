package io.pgset.kubernetes.image;

import java.nio.file.Path;

/** A folder or file of this machine, bind-mounted at {@code target} (a path in the image) inside a chroot. */
public record Bind(Path source, String target, boolean readOnly) {
}
