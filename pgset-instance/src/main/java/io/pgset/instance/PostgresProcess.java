package io.pgset.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The postgres server process of one instance: started as the postgres user, stopped in one
 * way everywhere. A stop escalates: the requested shutdown first, then an immediate one, then
 * SIGKILL, so that whoever asked for a stop can rely on postgres being gone when it returns.
 */
final class PostgresProcess {

    /** postgres's shutdown modes pgset uses. */
    enum StopMode {
        /** Clean: sessions end, a shutdown checkpoint is written and sent to the streaming replicas. */
        FAST("fast"),
        /** At once: no checkpoint (crash recovery at the next start); no write gets in meanwhile. */
        IMMEDIATE("immediate");

        final String pgCtl;

        StopMode(String pgCtl) {
            this.pgCtl = pgCtl;
        }
    }

    private static final Duration IMMEDIATE_TIMEOUT = Duration.ofSeconds(10);

    private final Tools tools;
    private final Path pgdata;
    private final InstanceLog log;
    private volatile Process process;

    PostgresProcess(Tools tools, Path pgdata, InstanceLog log) {
        this.tools = tools;
        this.pgdata = pgdata;
        this.log = log;
    }

    /**
     * Starts postgres on the data directory. What it prints before its logging collector takes
     * over (why it cannot start, above all) is copied to this process's log, which rolls.
     */
    Process start() throws IOException {
        Process started = new ProcessBuilder(tools.command("postgres", "-D", pgdata.toString()))
                .redirectErrorStream(true)
                .start();
        started.getOutputStream().close();
        Thread copy = new Thread(() -> copyOutput(started), "postgres-output-" + started.pid());
        copy.setDaemon(true);
        copy.start();
        process = started;
        return started;
    }

    private static void copyOutput(Process postgres) {
        try (java.io.BufferedReader lines = postgres.inputReader(java.nio.charset.StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println(line);
            }
        } catch (IOException e) {
            // postgres closed its output or exited: nothing more to copy
        }
    }

    /** The running postmaster this instance started, if it still runs. */
    Optional<Process> running() {
        Process p = process;
        return p != null && p.isAlive() ? Optional.of(p) : Optional.empty();
    }

    /**
     * Stops postgres: {@code mode} within {@code timeout}, then immediate, then SIGKILL.
     *
     * @return the shutdown that stopped it, or null when it had to be killed or nothing ran
     */
    StopMode stop(StopMode mode, Duration timeout) {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return null;
        }
        if (shutdown(mode, timeout)) {
            return mode;
        }
        if (mode == StopMode.FAST && shutdown(StopMode.IMMEDIATE, IMMEDIATE_TIMEOUT)) {
            return StopMode.IMMEDIATE;
        }
        log.warn("postgres (pid " + postmaster.get().pid() + ") did not stop; killing it");
        postmaster.get().destroyForcibly();
        awaitExit(postmaster.get(), IMMEDIATE_TIMEOUT);
        return null;
    }

    private boolean shutdown(StopMode mode, Duration timeout) {
        try {
            tools.run(timeout.plusSeconds(5), "pg_ctl", "stop", "-D", pgdata.toString(), "-m", mode.pgCtl, "-w",
                    "-t", Long.toString(Math.max(1, timeout.toSeconds())));
            return true;
        } catch (IOException e) {
            log.warn(mode.pgCtl + " shutdown failed: " + e.getMessage());
            return postmaster().isEmpty();
        }
    }

    /**
     * Whether the postmaster says, in its pid file, that it accepts connections ({@code ready}: a
     * primary, or a standby that serves reads). A cheap look at a file, never a connection.
     */
    boolean saysReady() {
        try {
            List<String> lines = Files.readAllLines(pgdata.resolve("postmaster.pid"));
            return lines.size() > PM_STATUS_LINE && lines.get(PM_STATUS_LINE).strip().equals("ready");
        } catch (IOException | RuntimeException e) {
            return false; // not written yet, or being rewritten
        }
    }

    /** The line of postmaster.pid that holds the postmaster's status (postgres's LOCK_FILE_LINE_PM_STATUS, 8). */
    private static final int PM_STATUS_LINE = 7;

    /** The live postmaster: the one started here, or (after a restart of pgset) the one its pid file names. */
    private Optional<ProcessHandle> postmaster() {
        Optional<Process> mine = running();
        if (mine.isPresent()) {
            return Optional.of(mine.get().toHandle());
        }
        return pidFromFile().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(pgdata.toString())).orElse(true));
    }

    private Optional<Long> pidFromFile() {
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).strip()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no pid file, or a half-written one: postgres never got far
        }
    }

    /**
     * Waits until no postmaster holds the data directory: a killed postmaster can take a moment to
     * be gone for good, and until then its pid file makes pg_rewind's crash recovery refuse it.
     */
    void awaitNoPostmaster(Duration timeout) throws IOException {
        try {
            if (!Poll.until(timeout, Duration.ofMillis(100), () -> postmaster().isEmpty())) {
                throw new IOException("a postmaster still runs on " + pgdata + " after " + timeout.toSeconds()
                        + " s; nothing is changed until it is gone");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the old postmaster to exit", e);
        }
    }

    private static void awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // reported by whoever finds it still running
        }
    }
}
