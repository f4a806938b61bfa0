package io.pgset.local;

import io.pgset.instance.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** pid files and signals for pgset's detached daemons. */
public final class Processes {

    private Processes() {}

    /**
     * The live process recorded in {@code pidFile}, if it is still the one pgset started: its
     * command line must contain {@code marker}, so that a recycled pid is never mistaken for it.
     */
    public static Optional<ProcessHandle> alive(Path pidFile, String marker) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Records a pid durably and in one step (see {@link DurableFiles}): the controller reads pid
     * files many times a second, and a file caught between truncation and write (or lost in a
     * crash) would make a live instance look gone, and be started a second time. An instance and
     * its controller may both write one, so each writer's temp file is its own.
     */
    public static void writePid(Path pidFile, long pid) throws IOException {
        DurableFiles.write(pidFile, pid + "\n");
    }

    /** SIGTERM, then SIGKILL to its whole process group if it has not ended within {@code grace}. */
    public static void stop(ProcessHandle process, Duration grace) throws IOException {
        signal("-TERM", Long.toString(process.pid()));
        if (!awaitExit(process, grace)) {
            kill(process);
        }
        // Whatever the process started and left behind in its group goes with it.
        signal("-KILL", "-" + process.pid());
    }

    /** SIGKILL to the process's whole group: the instance manager and its postgres end at once. */
    public static void kill(ProcessHandle process) throws IOException {
        signal("-KILL", "-" + process.pid());
        awaitExit(process, Duration.ofSeconds(10));
    }

    /**
     * Stops a postgres left running by an instance manager that died alone (killed by itself, as
     * the OOM killer does): unsupervised, it would hold the volume and the port, and as a former
     * primary it must be fenced before anything else happens to the pod. Fast shutdown first
     * (SIGINT), SIGKILL if it does not finish.
     */
    public static void stopOrphanPostgres(Path pgdata) throws IOException {
        Path pidFile = pgdata.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (RuntimeException e) {
            return; // a half-written pid file: postgres never got far enough to run
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(pgdata.toString())).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        signal("-INT", Long.toString(pid));
        if (!awaitExit(orphan.get(), Duration.ofSeconds(30))) {
            signal("-KILL", Long.toString(pid));
            awaitExit(orphan.get(), Duration.ofSeconds(10));
        }
    }

    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void signal(String signal, String target) throws IOException {
        try {
            new ProcessBuilder("kill", signal, "--", target).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling " + target, e);
        }
    }
}
