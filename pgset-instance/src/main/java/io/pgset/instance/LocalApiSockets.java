package io.pgset.instance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Where the local runtime serves its APIs (the controller's, each instance's) a second time: on a
 * Unix-domain socket named after the loopback port, in a directory only the cluster's owner may
 * enter. pgset's own processes, which all run as that owner, call each other there: no TLS
 * handshake (one costs each side 30 to 100 ms of CPU in a JVM that has just started, several times
 * over while a cluster comes up), the same bearer token. The TCP port with TLS stays for everyone
 * else and is what a caller falls back to when there is no socket (a path too long for one, see
 * {@link #fits}, or a server not started yet).
 *
 * @param dir the directory of the sockets, mode 0700
 */
public record LocalApiSockets(Path dir) {

    /** The longest socket path Linux takes: {@code sun_path} holds 108 bytes with the closing NUL. */
    static final int MAX_PATH_BYTES = 107;

    /** The socket serving the loopback API on {@code port}. */
    public Path path(int port) {
        return dir.resolve(Integer.toString(port));
    }

    /** The socket to call instead of {@code host:port}, when a server made one there. */
    Optional<Path> serving(String host, int port) {
        if (!"127.0.0.1".equals(host)) {
            return Optional.empty();
        }
        Path path = path(port);
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()
                    ? Optional.of(path) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** Whether a socket can have this path; a longer one is not made, and its callers use TCP. */
    static boolean fits(Path path) {
        return path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES;
    }
}
