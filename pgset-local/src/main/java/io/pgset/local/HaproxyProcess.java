package io.pgset.local;

import io.pgset.instance.DurableFiles;
import io.pgset.instance.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HAProxy that serves a cluster's services: one master-worker process group per cluster, in
 * its own session, so that it outlives the controller that started it; its pid, configuration and
 * log are in {@code haproxy/} in the cluster's folder. A restarted controller adopts it as it runs.
 * A reload (SIGUSR2 through the master CLI) starts a new worker that takes over the listening
 * sockets, so that no connection attempt is refused; the old worker keeps its sessions until they end.
 */
final class HaproxyProcess {

    /**
     * Unix socket paths are limited to 108 bytes, and HAProxy first binds {@code <path>.<pid>.tmp}
     * (its own limit is "usually 97"); a longer one goes to a private folder in /tmp.
     */
    private static final int LONGEST_SOCKET = 85;
    private static final Duration START = Duration.ofSeconds(15);
    private static final Pattern MASTER = Pattern.compile("(?m)^\\d+\\s+master\\s+(\\d+) \\[failed: (\\d+)]");
    private static final Pattern WORKER = Pattern.compile("(?m)^\\d+\\s+worker\\s");

    private final ClusterHome home;

    HaproxyProcess(ClusterHome home) {
        this.home = home;
    }

    /** The installed haproxy program, if any. */
    static Optional<Path> program() {
        return SystemPrograms.find("haproxy");
    }

    Path dir() {
        return home.dir().resolve("haproxy");
    }

    Path config() {
        return dir().resolve("haproxy.cfg");
    }

    Path pidFile() {
        return dir().resolve("pid");
    }

    Path log() {
        return dir().resolve("haproxy.log");
    }

    Path socket() {
        Path preferred = dir().resolve("master.sock");
        if (preferred.toString().getBytes(StandardCharsets.UTF_8).length <= LONGEST_SOCKET) {
            return preferred;
        }
        return Path.of("/tmp", "pgset-haproxy-" + Integer.toHexString(home.dir().toString().hashCode()), "master.sock");
    }

    /**
     * The /tmp folder of a long socket path: made private, or refused when it exists and is not
     * this user's alone (another user could otherwise put a socket of theirs where pgset looks).
     */
    private static void privateFolder(Path folder) throws IOException {
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        var attributes = Files.readAttributes(folder, java.nio.file.attribute.PosixFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String me = System.getProperty("user.name");
        if (!attributes.isDirectory() || !attributes.owner().getName().equals(me)
                || !attributes.permissions().equals(PosixFilePermissions.fromString("rwx------"))) {
            throw new IOException(folder + " holds HAProxy's control socket but is not a folder private to " + me
                    + " (owner " + attributes.owner().getName() + ", mode "
                    + PosixFilePermissions.toString(attributes.permissions()) + "); remove it, or give the cluster"
                    + " a shorter PGSET_HOME");
        }
    }

    MasterCli cli() {
        return new MasterCli(socket());
    }

    /** The running master, if it is this cluster's: its command line names this configuration file. */
    Optional<ProcessHandle> running() {
        return Processes.alive(pidFile(), config().toString());
    }

    /** The configuration the running HAProxy was started or last reloaded with ("" when none). */
    String currentConfig() throws IOException {
        return Files.exists(config()) ? Files.readString(config()) : "";
    }

    /** Writes the configuration and starts HAProxy with it; returns once its worker answers. */
    void start(String configuration) throws IOException {
        Path program = program().orElseThrow(() -> new IOException(Preflight.HAPROXY_MISSING));
        Files.createDirectories(dir());
        Path socket = socket();
        if (!socket.getParent().equals(dir())) {
            privateFolder(socket.getParent());
        }
        Files.deleteIfExists(socket);
        DurableFiles.write(config(), configuration);
        Process process = new ProcessBuilder("setsid", program.toString(), "-W", "-S", socket + ",mode,600",
                "-f", config().toString(), "-p", pidFile().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        boolean up = await(() -> {
            if (!process.isAlive()) {
                throw new Poll.GiveUp(new IllegalStateException("exited with " + process.exitValue()));
            }
            return WORKER.matcher(cli().send("show proc")).find();
        }, "start");
        if (!up) {
            process.destroyForcibly();
            throw new IOException("HAProxy did not start within " + START.toSeconds() + " s; see " + log());
        }
    }

    /** Records a configuration the running HAProxy now has through its master CLI, for its next start or reload. */
    void rewrite(String configuration) throws IOException {
        DurableFiles.write(config(), configuration);
    }

    /** Writes the configuration and reloads HAProxy with it; returns once the new worker runs. */
    void reload(String configuration) throws IOException {
        Matcher before = master();
        DurableFiles.write(config(), configuration);
        cli().send("reload");
        long reloads = Long.parseLong(before.group(1));
        long failed = Long.parseLong(before.group(2));
        if (!await(() -> Long.parseLong(master().group(1)) > reloads, "reload")) {
            throw new IOException("HAProxy did not reload within " + START.toSeconds() + " s; see " + log());
        }
        if (Long.parseLong(master().group(2)) > failed) {
            throw new IOException("HAProxy refused the new configuration " + config() + " and runs the previous one;"
                    + " see " + log());
        }
    }

    private Matcher master() throws IOException {
        String answer = cli().send("show proc");
        Matcher m = MASTER.matcher(answer);
        if (!m.find()) {
            throw new IOException("unexpected answer from HAProxy's master CLI " + socket() + ": " + answer.strip());
        }
        return m;
    }

    /** Stops this cluster's HAProxy, if it runs: its open sessions end. */
    void stop() throws IOException {
        Optional<ProcessHandle> master = running();
        if (master.isPresent()) {
            Processes.stop(master.get(), Duration.ofSeconds(10));
        }
        Files.deleteIfExists(pidFile());
        Files.deleteIfExists(socket());
    }

    private boolean await(Poll.Check check, String what) throws IOException {
        try {
            return Poll.until(START, Duration.ofMillis(20), check);
        } catch (IllegalStateException e) {
            throw new IOException("HAProxy " + e.getMessage() + " at " + what + "; see " + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while HAProxy was at " + what, e);
        }
    }
}
