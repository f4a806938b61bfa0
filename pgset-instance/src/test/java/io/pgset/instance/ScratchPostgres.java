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

    /** SIGKILL to the postmaster and its children, as a crash or a killed instance manager's group; waits for them. */
    static void kill(Process postmaster) {
        java.util.List<ProcessHandle> all = java.util.stream.Stream.concat(java.util.stream.Stream.of(
                postmaster.toHandle()), postmaster.descendants()).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(p -> p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> p).join());
    }

    /** A test's end: its postgres (if it started one) killed, its shared memory released, its files deleted. */
    static void stopAndDelete(Process postmaster, Path root) throws IOException {
        if (postmaster != null) {
            kill(postmaster);
        }
        LeftoverSharedMemory.releaseUnder(root);
        TestTrees.delete(root);
    }

    /** A TCP port nothing listens on just now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
