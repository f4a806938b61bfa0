package io.pgset.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where pgset finds the system programs it runs (HAProxy, nft, conntrack): Debian installs them in
 * the sbin folders, which are not on every user's PATH.
 */
final class SystemPrograms {

    private static final List<String> DIRS = List.of("/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin");

    private SystemPrograms() {}

    /** The first executable {@code name} in those folders, if any. */
    static Optional<Path> find(String name) {
        return DIRS.stream().map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }
}
