package io.pgset.local;

import io.pgset.instance.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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

    /**
     * Kills what an instance manager that died alone left running on its volume: pg_basebackup,
     * pgBackRest, pg_rewind, initdb or a recovery's private postgres. Left running, such a tool goes
     * on writing into a staging directory that the next instance manager removes and makes anew,
     * and may keep the replica's slot or the volume's files busy for hours. Each of them
     * writes only where pgset's rules expect an interrupted tool (a staging directory, or pgdata
     * under the rewind marker), so killing it loses nothing. Only processes of the dead instance
     * manager's process group (it led one, see {@link Launcher}) that name the volume in their
     * arguments are killed: never a person's command that happens to read the volume. Call after
     * {@link #stopOrphanPostgres}, which stops the pod's postgres cleanly.
     *
     * @param pidFile where the dead instance manager's pid is recorded
     */
    public static void stopOrphanTools(Path pidFile, Path volume) throws IOException {
        long group;
        try {
            group = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return; // no instance manager ran here, or its pid was never written: nothing it started can run
        }
        if (ProcessHandle.of(group).filter(p -> !ended(p)).isPresent()) {
            return; // the instance manager lives (and while any of its group does, its pid is not reused)
        }
        String dir = volume.toAbsolutePath().normalize().toString();
        List<ProcessHandle> orphans = ProcessHandle.allProcesses()
                .filter(p -> processGroup(p.pid()) == group)
                .filter(p -> p.info().arguments().map(args -> Arrays.stream(args).anyMatch(a -> names(a, dir)))
                        .orElse(false))
                .toList();
        for (ProcessHandle orphan : orphans) {
            signal("-KILL", Long.toString(orphan.pid()));
        }
        for (ProcessHandle orphan : orphans) {
            awaitExit(orphan, Duration.ofSeconds(10));
        }
    }

    /** Whether an argument names the directory or a path in it (not a sibling such as data-demo-10). */
    static boolean names(String argument, String dir) {
        return Arrays.stream(argument.split("[= ]")).anyMatch(part -> part.equals(dir) || part.startsWith(dir + "/"));
    }

    /** The process group of a live process, from /proc; -1 when it cannot be read (it has ended). */
    static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so count after its end.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Waits until the process has {@link #ended}; whether it did within {@code timeout}. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            return io.pgset.instance.Poll.until(timeout, Duration.ofMillis(10), () -> ended(process));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ended(process);
        }
    }

    /**
     * Whether the process has ended: gone, or exited and not yet reaped (a zombie, which holds
     * nothing but its pid: no memory, file, lock or port). pgset's daemons are no children of the
     * commands that stop them, and whoever reaps them (init, or a container's first process, which
     * here takes up to 2 s) is not always quick; the JDK counts a zombie as alive.
     */
    public static boolean ended(ProcessHandle process) {
        if (!process.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return (state == 'Z' || state == 'X') && process.isAlive(); // still the same process, now ended
        } catch (IOException | RuntimeException e) {
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
