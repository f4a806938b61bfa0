package io.pgset.instance;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A throwaway database for tests that run a real postgres: made by initdb without fsync, trusting
 * every local login.
 */
final class ScratchPostgres {

    static final PostgresUser USER = PostgresUser.current();
    static final Tools TOOLS = new Tools(Path.of("/usr/lib/postgresql/15/bin"), USER);

    private ScratchPostgres() {}

    /** A new temporary directory that the postgres user may enter, for the test's database and files. */
    static Path root(String prefix) throws IOException {
        Path root = java.nio.file.Files.createTempDirectory(prefix);
        java.nio.file.Files.setPosixFilePermissions(root,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    /** Runs initdb into {@code pgdata} (made private to the postgres user) as the postgres user. */
    static void initdb(Path pgdata) throws IOException {
        USER.privateDirectory(pgdata);
        TOOLS.run(Duration.ofMinutes(2), "initdb", "-D", pgdata.toString(), "-U", "postgres", "--auth=trust",
                "--locale=C.UTF-8", "--no-sync");
    }

    /** A TCP port nothing listens on just now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
