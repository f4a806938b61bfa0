package io.pgset.instance;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs PostgreSQL's programs (initdb, pg_basebackup, pg_ctl, ...) from one bin directory. */
final class Tools {

    private final Path binDir;
    private final PostgresUser user;

    Tools(Path binDir, PostgresUser user) {
        this.binDir = binDir;
        this.user = user;
    }

    Path binary(String name) {
        return binDir.resolve(name);
    }

    List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary(program).toString());
        command.addAll(List.of(args));
        return user.command(command);
    }

    /**
     * Runs a program to completion, copying its output to this process's log (standard output).
     *
     * @throws IOException naming the program, its exit code and the end of its output
     */
    void run(Duration timeout, String program, String... args) throws IOException {
        System.out.print(output(timeout, program, args));
    }

    /** Runs a program to completion and returns its output (standard output and error). */
    String output(Duration timeout, String program, String... args) throws IOException {
        Ran ran = execute(timeout, program, args);
        if (ran.exit() != 0) {
            throw new IOException(program + " failed with exit code " + ran.exit() + ": " + tail(ran.output()));
        }
        return ran.output();
    }

    /** How a program ended: its exit code and its output (standard output and error). */
    record Ran(int exit, String output) {}

    /** Runs a program to completion, whatever its exit code. */
    Ran execute(Duration timeout, String program, String... args) throws IOException {
        return execute(timeout, program, command(program, args));
    }

    /**
     * Runs a complete command line (already wrapped to run as postgres where it must) to completion.
     *
     * @param program what the command runs, for messages
     */
    Ran execute(Duration timeout, String program, List<String> command) throws IOException {
        // The output goes to a file, which a long output cannot block as a pipe would. Its name is
        // removed as soon as the program runs: the program and this reader keep it open, and a
        // killed instance manager leaves nothing behind in the temporary directory.
        Path output = Files.createTempFile("pgset-" + program, ".out");
        try (FileChannel reader = FileChannel.open(output, StandardOpenOption.READ)) {
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
            } finally {
                Files.deleteIfExists(output);
            }
            boolean done = awaitExit(process, timeout, program);
            String text = new String(Channels.newInputStream(reader).readAllBytes(), StandardCharsets.UTF_8);
            if (!done) {
                process.destroyForcibly();
                throw new IOException(program + " did not finish within " + timeout.toSeconds() + "s");
            }
            return new Ran(process.exitValue(), text);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Whether it ended in time; interrupted, it kills the program: a stopping instance leaves none still writing. */
    private static boolean awaitExit(Process process, Duration timeout, String program) throws IOException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(program + " interrupted", e);
        }
    }

    private static String tail(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= 600 ? trimmed : "..." + trimmed.substring(trimmed.length() - 600);
    }
}
