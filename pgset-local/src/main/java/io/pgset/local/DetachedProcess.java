package io.pgset.local;

import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A daemon that a short-lived command starts and leaves running, started so that it is not the
 * command's child: a shell starts it with {@code setsid --fork} (in a session of its own, as
 * {@link Launcher} does otherwise), which says its pid and ends. A JVM waits for every child it
 * started on a thread that blocks in native code, and JDK 17's exit waits up to 300 ms for such
 * threads before it ends the process: {@code pgset up} took 0.3 s longer to end than to finish, for
 * the controller it had started. (Not a background job of the shell: a non-interactive shell makes
 * those ignore SIGINT and SIGQUIT, and the daemon and everything it starts would inherit that.)
 *
 * <p>A warm daemon ({@link Launcher#startWarm}) reads its handover on standard input, a pipe from
 * this JVM, which the JDK closes once its child (the shell) ends; so for a warm daemon the shell
 * stays (sleeping, holding nothing) until that pipe is closed here after the handover, or until
 * {@link #KEEP_SHELL} has passed. A daemon's exit code is not known here: it is no child of this JVM.
 */
final class DetachedProcess extends Process {

    /** The longest a warm daemon's shell waits for the handover (seconds); a warm JVM gives up sooner. */
    static final long KEEP_SHELL = WarmInstances.MAX_AGE.toSeconds();
    /**
     * The shell: {@code $1} the log, {@code $2} whether to stay ({@code keep}), then the command.
     * The forked shell prints its pid and becomes the daemon, whose output goes to the log and whose
     * standard input is the shell's. The shell says the pid itself, once the daemon's output has left
     * the pipe: the JDK closes a child's output when the child ends, keeping only what was written,
     * so a pid written by the forked shell after this one ended would be lost.
     */
    private static final String SHELL = "log=$1; keep=$2; shift 2;"
            + " pid=$(setsid --fork sh -c 'echo $$; exec \"$@\" >>\"$0\" 2>&1' \"$log\" \"$@\") || exit 1;"
            + " echo \"$pid\";"
            + " if [ \"$keep\" = keep ]; then exec sleep " + KEEP_SHELL + " 0</dev/null; fi";

    private final Process shell;
    private final ProcessHandle daemon;

    private DetachedProcess(Process shell, ProcessHandle daemon) {
        this.shell = shell;
        this.daemon = daemon;
    }

    /**
     * Starts {@code command} detached, its output appended to {@code log}; with {@code warm}, its
     * standard input is a pipe from here ({@link #getOutputStream}), else /dev/null.
     */
    static DetachedProcess start(List<String> command, Path log, boolean warm, java.util.Map<String, String> env)
            throws IOException {
        List<String> shellCommand = new ArrayList<>(List.of("sh", "-c", SHELL, "sh", log.toString(),
                warm ? "keep" : "go"));
        shellCommand.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(shellCommand)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(warm ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process shell = builder.start();
        String pid = readPid(shell.getInputStream());
        if (!pid.matches("[1-9][0-9]*")) {
            shell.destroyForcibly();
            throw new IOException("cannot start " + command.get(0) + ": the shell that starts it said \"" + pid
                    + "\" instead of its pid; see " + log);
        }
        ProcessHandle daemon = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
        if (daemon == null) {
            throw new IOException("cannot start " + command.get(0) + ": it exited at once; see " + log);
        }
        return new DetachedProcess(shell, daemon);
    }

    /** The shell's first line, within 10 s (it prints it as soon as it has forked). */
    private static String readPid(InputStream output) throws IOException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                String read = new BufferedReader(new InputStreamReader(output, StandardCharsets.US_ASCII)).readLine();
                return read == null ? "" : read.strip();
            } catch (IOException e) {
                return "";
            }
        });
        try {
            return line.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "(nothing within 10 s)";
        } catch (ExecutionException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting a daemon", e);
        }
    }

    /** The daemon's standard input; closing it also ends the shell that kept it open. */
    @Override
    public OutputStream getOutputStream() {
        return new FilterOutputStream(shell.getOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    shell.destroy();
                }
            }
        };
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream(); // its output goes to its log
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            daemon.onExit().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return exitValue();
    }

    /** Not known (no child of this JVM): 0 once it has ended. */
    @Override
    public int exitValue() {
        if (daemon.isAlive()) {
            throw new IllegalThreadStateException("process " + daemon.pid() + " has not exited");
        }
        return 0;
    }

    @Override
    public void destroy() {
        daemon.destroy();
        shell.destroy();
    }

    @Override
    public Process destroyForcibly() {
        daemon.destroyForcibly();
        shell.destroyForcibly();
        return this;
    }

    @Override
    public boolean isAlive() {
        return daemon.isAlive();
    }

    @Override
    public long pid() {
        return daemon.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return daemon;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return daemon.onExit().thenApply(ended -> this);
    }
}
