package io.pgset.local;

import io.pgset.core.config.PgBackRestErrors;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.S3Repository;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Whether anything answers at an s3 repository's endpoint, asked before a backup starts. pgBackRest
 * retries a refused connection until its io-timeout runs out several times over (minutes), printing
 * nothing meanwhile; one TCP connect says the same in milliseconds. Only reachability is checked:
 * keys, bucket and certificate are pgBackRest's to try, and {@link PgBackRestErrors} explains them.
 */
public final class S3Reachability {

    private static final Duration CONNECT = Duration.ofSeconds(5);

    private S3Reachability() {}

    /**
     * @param repo 1-based, as in {@code --repo}; a posix repository passes
     * @throws PgsetException saying which repository, which field and what to check
     */
    public static void check(ClusterSpec spec, int repo) {
        if (repo < 1 || repo > spec.backup().repositories().size()
                || !(spec.backup().repositories().get(repo - 1) instanceof S3Repository s3)) {
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(s3.host(), s3.port()), (int) CONNECT.toMillis());
        } catch (IOException e) {
            throw new PgsetException("cluster " + spec.name() + ": " + PgBackRestErrors.unreachable(spec, repo)
                    .orElseThrow() + " (" + e.getMessage() + ")");
        }
    }
}
