package io.pgset.instance;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an instance's postgres also listens on a Unix socket: {@value #DIRECTORY} on its volume,
 * a directory only the postgres OS user (and root) may enter, for the instance manager's own
 * sessions. They skip the TLS handshake that TCP needs (about 60 ms of CPU in a freshly started
 * instance manager, on the path to a new cluster's first primary being ready) and still prove the
 * superuser's password with SCRAM (see {@link io.pgset.core.config.HbaRenderer}). A volume whose
 * path is too long for a socket gets none, and the sessions go over TCP as they always did.
 */
final class PostgresSocket {

    static final String DIRECTORY = "socket";

    private PostgresSocket() {}

    /** The socket's directory for this instance, empty when its path is too long for a socket. */
    static Optional<Path> directory(InstanceOptions options) {
        Path dir = options.volume().resolve(DIRECTORY);
        return LocalApiSockets.fits(file(dir, options.port())) ? Optional.of(dir) : Optional.empty();
    }

    /** The socket postgres makes in {@code dir} for {@code port}. */
    static Path file(Path dir, int port) {
        return dir.resolve(".s.PGSQL." + port);
    }
}
