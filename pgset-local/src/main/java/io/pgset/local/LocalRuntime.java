package io.pgset.local;

import io.pgset.core.json.JsonTree;
import io.pgset.core.spec.SpecReader;
import io.pgset.core.control.ClusterRuntime;
import io.pgset.core.control.PodState;
import io.pgset.core.control.VolumeState;
import io.pgset.core.model.PodName;
import io.pgset.instance.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local runtime: an instance is a detached {@code pgset instance} process, a volume is a
 * directory, and each ordinal's ports are chosen once and kept in {@code pods/<pod>/ports.json}.
 */
public final class LocalRuntime implements ClusterRuntime {

    /** Graceful stop: enough for postgres's fast shutdown to write its checkpoint. */
    static final Duration STOP_GRACE = Duration.ofSeconds(90);

    private final ClusterHome home;
    private final Path pgsetHome;
    private final Launcher launcher;
    /** The controller's warm JVMs for the next ordinals; empty for a runtime that only looks or stops. */
    private final Optional<WarmInstances> warm;

    public LocalRuntime(Path pgsetHome, ClusterHome home, Launcher launcher) {
        this(pgsetHome, home, launcher, Optional.empty());
    }

    /** The controller's runtime: it starts the next ordinal's JVM warm while one instance starts. */
    LocalRuntime(Path pgsetHome, ClusterHome home, Launcher launcher, Optional<WarmInstances> warm) {
        this.pgsetHome = pgsetHome;
        this.home = home;
        this.launcher = launcher;
        this.warm = warm;
    }

    /** The text every instance process of this pod has on its command line. */
    public static String marker(ClusterHome home, String pod) {
        return "--pod-dir=" + home.pod(pod);
    }

    @Override
    public List<PodState> pods() {
        List<PodState> pods = new ArrayList<>();
        for (int ordinal : ordinals(home.pods(), name -> PodName.ordinalIn(home.name(), name))) {
            String pod = home.name() + "-" + ordinal;
            Optional<PortPair> ports = PortPair.read(home.podPorts(pod));
            Optional<ProcessHandle> process = Processes.alive(home.podPid(pod), marker(home, pod));
            pods.add(new PodState(pod, ordinal, process.isPresent() && ports.isPresent(),
                    process.map(ProcessHandle::pid).orElse(0L), Ports.LOOPBACK,
                    ports.map(PortPair::postgres).orElse(0), ports.map(PortPair::api).orElse(0)));
        }
        return pods;
    }

    @Override
    public List<VolumeState> volumes() {
        return ordinals(home.volumes(), name -> PodName.volumeOrdinalIn(home.name(), name)).stream()
                .map(o -> new VolumeState(new PodName(home.name(), o).volume(), o,
                        home.volume(home.name() + "-" + o).toString()))
                .toList();
    }

    @Override
    public Optional<String> recordedPrimary() {
        return Json.read(home.state()).map(n -> n.path("primary").asText("")).filter(s -> !s.isEmpty());
    }

    @Override
    public void recordPrimary(String pod) {
        JsonTree state = Json.object().put("primary", pod);
        try {
            Json.write(home.state(), state);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot record the primary in " + home.state(), e);
        }
    }

    @Override
    public void createPod(int ordinal, Optional<PodState> upstream, boolean newDatabase) throws IOException {
        String pod = home.name() + "-" + ordinal;
        Processes.stopOrphanPostgres(home.volume(pod).resolve("pgdata"));
        Processes.stopOrphanTools(home.podPid(pod), home.volume(pod));
        PortPair ports = portsFor(pod);
        for (int port : new int[] {ports.postgres(), ports.api()}) {
            if (!Ports.isFree(port)) {
                throw new IOException("port " + port + " of " + pod + " is in use by another process; stop that "
                        + "process, or delete " + home.podPorts(pod) + " to give " + pod + " new ports");
            }
        }
        List<String> args = new ArrayList<>(List.of("instance", "--home=" + pgsetHome, "--cluster=" + home.name(),
                "--ordinal=" + ordinal, "--port=" + ports.postgres(), "--api-port=" + ports.api(),
                marker(home, pod)));
        upstream.ifPresent(up -> args.add("--upstream=" + up.host() + ":" + up.port()));
        if (newDatabase) {
            args.add("--new-database");
        }
        // The spec's log format for the instances, else the one this controller was started with.
        var spec = SpecReader.read(home.spec());
        spec.logging().format().ifPresent(format -> args.add("--log-format=" + format.label()));
        Optional<Process> warmed = warm.flatMap(w -> w.handOver(pod, args, home.podLog(pod)));
        Process process = warmed.isPresent() ? warmed.get() : launcher.start(args, home.podLog(pod));
        Processes.writePid(home.podPid(pod), process.pid());
        awaitIdentifiable(process, marker(home, pod));
        if (warm.isPresent()) {
            Set<Integer> running = pods().stream().filter(PodState::running).map(PodState::ordinal)
                    .collect(Collectors.toSet());
            WarmTargets.after(spec.podManagementPolicy(), ordinal, upstream.isPresent(), spec.instances(), running)
                    .forEach(this::warm);
        }
    }

    /**
     * The first ordinal's JVM starts warm when the controller starts and it does not run (a new or
     * stopped cluster), while the controller sets itself up before its first pass creates it.
     */
    void warmFirst(int instances) {
        if (instances > 0) {
            warm(0);
        }
    }

    /**
     * While an instance starts, the JVMs of those the next pass creates ({@link WarmTargets}) start
     * warm, so that they are ready when their turn comes ({@link WarmInstances}).
     */
    private void warm(int ordinal) {
        String next = home.name() + "-" + ordinal;
        if (warm.isPresent() && Processes.alive(home.podPid(next), marker(home, next)).isEmpty()) {
            warm.get().prepare(next);
        }
    }

    /**
     * Returns once the new process shows its marker: until the JVM's spawn helper has exec'd it,
     * its command line is the helper's, and the pod would look missing to the next pass.
     */
    private static void awaitIdentifiable(Process process, String marker) throws IOException {
        try {
            if (!Poll.until(Duration.ofSeconds(5), Duration.ofMillis(10), () -> !process.isAlive()
                    || process.info().commandLine().map(c -> c.contains(marker)).orElse(false))) {
                throw new IOException("the instance process " + process.pid() + " did not start within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting an instance", e);
        }
    }

    @Override
    public void deletePod(PodState pod) throws IOException {
        Optional<ProcessHandle> process = Processes.alive(home.podPid(pod.name()), marker(home, pod.name()));
        if (process.isPresent()) {
            Processes.stop(process.get(), STOP_GRACE);
            // Only if it still names the process stopped here: by now a controller may have
            // recreated the pod, and its pid file must stay.
            Path pidFile = home.podPid(pod.name());
            if (Files.exists(pidFile) && Files.readString(pidFile).strip().equals(Long.toString(process.get().pid()))) {
                Files.deleteIfExists(pidFile);
            }
        }
    }

    @Override
    public void fence(String pod) throws IOException {
        killPod(pod);
        Processes.stopOrphanPostgres(home.volume(pod).resolve("pgdata"));
    }

    @Override
    public void deleteVolume(int ordinal) throws IOException {
        FileTree.delete(home.volume(home.name() + "-" + ordinal));
    }

    /** Kills the instance and its postgres at once, as when a machine or pod dies. */
    public void killPod(String pod) throws IOException {
        Optional<ProcessHandle> process = Processes.alive(home.podPid(pod), marker(home, pod));
        if (process.isPresent()) {
            Processes.kill(process.get());
        }
    }

    /** The pod's ports, chosen the first time and then kept for its whole life. */
    PortPair portsFor(String pod) throws IOException {
        Optional<PortPair> kept = PortPair.read(home.podPorts(pod));
        if (kept.isPresent()) {
            return kept.get();
        }
        PortPair chosen = new PortPair(PortPicker.pick(pgsetHome), PortPicker.pick(pgsetHome));
        while (chosen.api() == chosen.postgres()) {
            chosen = new PortPair(chosen.postgres(), PortPicker.pick(pgsetHome));
        }
        Json.write(home.podPorts(pod), Json.object().put("postgres", chosen.postgres()).put("api", chosen.api()));
        return chosen;
    }

    private static List<Integer> ordinals(Path dir, Function<String, OptionalInt> ordinal) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> ordinal.apply(p.getFileName().toString()))
                    .filter(OptionalInt::isPresent)
                    .map(OptionalInt::getAsInt)
                    .sorted(Comparator.naturalOrder())
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** A pod's postgres and API ports. */
    record PortPair(int postgres, int api) {
        static Optional<PortPair> read(Path file) {
            return Json.read(file).map(n -> new PortPair(n.path("postgres").asInt(), n.path("api").asInt()))
                    .filter(p -> p.postgres() > 0 && p.api() > 0);
        }
    }

    static JsonTree describe(PortPair ports) {
        return Json.object().put("postgres", ports.postgres()).put("api", ports.api());
    }
}
