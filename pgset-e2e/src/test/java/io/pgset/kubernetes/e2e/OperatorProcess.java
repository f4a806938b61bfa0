package io.pgset.kubernetes.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator as its own process: {@code java -jar pgset.jar operator --kubeconfig F}, its output in a
 * log. It serves no metrics: its default port 8080 is taken whenever another run's operator is up.
 */
final class OperatorProcess implements AutoCloseable {

    private final List<String> command;
    private final Path log;
    private Process process;

    OperatorProcess(Path jar, Path kubeconfig, Path home, Path log) {
        this.command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "operator", "--kubeconfig=" + kubeconfig, "--home=" + home, "--metrics-port=0");
        this.log = log;
    }

    void start() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, as a Deployment's pod gets it; SIGKILL after 15 s. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
        process = null;
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "cannot read " + log + ": " + e.getMessage();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
