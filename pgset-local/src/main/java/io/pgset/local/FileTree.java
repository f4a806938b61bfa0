package io.pgset.local;

import io.pgset.instance.LeftoverSharedMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

final class FileTree {
    private FileTree() {}

    /**
     * Deletes a tree (a volume, a cluster's home), after releasing the shared memory that a killed
     * postmaster of a data directory in it left in the kernel.
     */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        LeftoverSharedMemory.releaseUnder(root);
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
