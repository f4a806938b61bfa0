package io.pgset.instance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code pgbackrest backup} process run to its end, its console output (at info level) passed
 * on line by line and read for what a person wants to hear afterwards: the new backup's label and
 * size, or pgBackRest's own reason when it failed.
 */
public final class BackupRun {

    private static final Pattern LABEL = Pattern.compile("new backup label = (\\S+)");
    private static final Pattern SIZE = Pattern.compile("(?:full|diff|incr) backup size = ([^,]+)");
    private static final Pattern ERROR = Pattern.compile("ERROR: (\\[\\d+]: .*)");

    /**
     * How it ended.
     *
     * @param label pgBackRest's label of the new backup, empty when it made none
     * @param size  its size as pgBackRest prints it ({@code 22.3MB}), empty when unknown
     * @param error pgBackRest's first error line, or the exit code when it printed none
     */
    public record Result(int exit, Duration took, Optional<String> label, Optional<String> size, String error) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private volatile Process process;

    /** Runs {@code command} (a pgBackRest backup) and waits for it, handing each output line to {@code lines}. */
    public Result run(List<String> command, Consumer<String> lines) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
        process = started;
        started.getOutputStream().close();
        Optional<String> label = Optional.empty();
        Optional<String> size = Optional.empty();
        String error = "";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(started.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.accept(line);
                label = label.isPresent() ? label : find(LABEL, line);
                size = size.isPresent() ? size : find(SIZE, line);
                if (error.isEmpty()) {
                    error = find(ERROR, line).orElse("");
                }
            }
        }
        int exit = started.waitFor();
        if (exit != 0 && error.isEmpty()) {
            error = "pgbackrest exited with code " + exit;
        }
        return new Result(exit, Duration.ofNanos(System.nanoTime() - start), label, size, error);
    }

    /** Stops a running backup (pgBackRest ends cleanly on SIGTERM; the next backup resumes or redoes it). */
    public void cancel() {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroy();
        }
    }

    private static Optional<String> find(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
    }
}
