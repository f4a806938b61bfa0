package io.pgset.kubernetes.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One process of a test control plane (etcd, kube-apiserver, ...), its output in a log file. */
final class ControlPlaneProcess {

    private static final int STOP_SECONDS = 15;

    private final String name;
    private final Process process;
    private final Path log;

    private ControlPlaneProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ControlPlaneProcess start(String name, Path binary, List<String> arguments, Path logDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(arguments);
        Path log = logDir.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new ControlPlaneProcess(name, process, log);
    }

    String name() {
        return name;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Asks it to stop, as a kubelet would (SIGTERM), and kills it when it takes too long. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            System.out.println("control plane: " + name + " ignored SIGTERM for " + STOP_SECONDS + " s, killing it");
            process.destroyForcibly();
            process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Kills it without waiting: for a JVM that is going away. */
    void kill() {
        process.destroyForcibly();
    }

    /** The last lines it wrote, to explain why it did not start. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return name + " (" + (alive() ? "running" : "exited " + process.exitValue()) + "), last lines of " + log + ":\n  "
                    + String.join("\n  ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return name + ": cannot read " + log + ": " + e.getMessage();
        }
    }
}
