package io.pgset.local;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Instance manager JVMs started ahead of their turn, so that the JVMs of the instances the next
 * pass creates ({@link WarmTargets}: the next ordinal, or with {@code podManagementPolicy:
 * Parallel} every replica at once) have started (the JVM, class loading, the first key
 * generation) while the instance before them bootstraps. A warm JVM is only a process: it knows
 * no ordinal, ports, volume or certificate, writes nothing, and does nothing until the controller
 * hands it an instance's arguments, exactly when it would otherwise start a new process for that
 * instance; the order of creation is unchanged. A warm JVM that is never handed anything exits:
 * when the controller closes it, when the controller dies (its standard input, a pipe from the
 * controller, closes), or after {@link #MAX_AGE} on its own. The controller's loop uses it, and
 * its shutdown closes it.
 */
public final class WarmInstances implements AutoCloseable {

    /** The system property that makes pgset's main wait for a handover ({@code Main}). */
    public static final String PROPERTY = "pgset.warm";
    /** How long a warm JVM waits for its instance before it exits by itself. */
    public static final Duration MAX_AGE = Duration.ofSeconds(60);
    /** A warm JVM this old is not handed anything: it may be exiting already. */
    private static final Duration HAND_OVER_BEFORE = MAX_AGE.minusSeconds(10);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.controller");

    private record Warm(Process process, long startedNanos) {}

    private final Launcher launcher;
    private final ClusterHome home;
    private final Map<String, Warm> warm = new HashMap<>();
    private boolean closed;

    public WarmInstances(Launcher launcher, ClusterHome home) {
        this.launcher = launcher;
        this.home = home;
    }

    /** Starts a warm JVM for {@code pod} unless one waits already; a failure only means a cold start later. */
    public synchronized void prepare(String pod) {
        Warm existing = warm.get(pod);
        if (closed || (existing != null && existing.process().isAlive())) {
            return;
        }
        try {
            Process process = launcher.startWarm(LocalRuntime.marker(home, pod), home.controllerLog());
            warm.put(pod, new Warm(process, System.nanoTime()));
        } catch (IOException e) {
            LOG.warn("cluster={} pod={} cannot start a warm JVM: {}", home.name(), pod, e.toString());
        }
    }

    /**
     * Hands {@code pod}'s warm JVM the instance's arguments and log; empty when there is none fit to
     * take them (the caller starts a process as usual).
     */
    public synchronized Optional<Process> handOver(String pod, List<String> args, Path log) {
        Warm candidate = warm.remove(pod);
        if (candidate == null) {
            return Optional.empty();
        }
        Process process = candidate.process();
        if (System.nanoTime() - candidate.startedNanos() > HAND_OVER_BEFORE.toNanos()) {
            process.destroyForcibly();
            return Optional.empty();
        }
        Optional<Process> given = give(process, args, log);
        given.ifPresent(p -> LOG.info("cluster={} pod={} handed to its warm JVM (pid {}, started {} ms before)",
                home.name(), pod, p.pid(), (System.nanoTime() - candidate.startedNanos()) / 1_000_000));
        return given;
    }

    /**
     * Hands a warm JVM ({@link Launcher#startWarm}) a daemon's arguments and log; empty, with the
     * process stopped, when it cannot take them (it exited meanwhile).
     */
    static Optional<Process> give(Process process, List<String> args, Path log) {
        if (!process.isAlive()) {
            return Optional.empty();
        }
        try (OutputStream in = process.getOutputStream()) {
            Files.createDirectories(log.getParent());
            in.write(encode(args, log).getBytes(StandardCharsets.UTF_8));
            in.flush();
            return Optional.of(process);
        } catch (IOException e) {
            process.destroyForcibly();
            return Optional.empty();
        }
    }

    /** Stops every warm JVM not handed over. */
    @Override
    public synchronized void close() {
        closed = true;
        warm.values().forEach(w -> w.process().destroyForcibly());
        warm.clear();
    }

    /** What a warm JVM is handed: the daemon's arguments and the log its output goes to. */
    public record Handover(List<String> args, Path log) {

        /** The one line a warm JVM reads; a line that is not one is refused with what it was. */
        public static Handover decode(String line) throws IOException {
            JsonTree node = JsonText.parse(line);
            if (node == null || !node.path("log").isTextual() || !node.path("args").isArray()) {
                throw new IOException("not a handover of pgset arguments: " + line);
            }
            List<String> args = new java.util.ArrayList<>();
            node.path("args").forEach(a -> args.add(a.asText()));
            return new Handover(args, Path.of(node.path("log").asText()));
        }
    }

    static String encode(List<String> args, Path log) throws IOException {
        var node = Json.object().put("log", log.toAbsolutePath().toString());
        JsonTree array = node.putArray("args");
        args.forEach(array::add);
        return JsonText.write(node) + "\n";
    }
}
