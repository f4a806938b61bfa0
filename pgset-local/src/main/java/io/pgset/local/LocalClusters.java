package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.model.PodName;
import io.pgset.core.plan.RolloutPreview;
import io.pgset.core.plan.FailoverGuarantee;
import io.pgset.core.plan.SwitchoverPlanner;
import io.pgset.core.spec.SpecChanges;
import io.pgset.core.spec.SpecReader;
import io.pgset.core.tls.CertificateAuthority;
import io.pgset.instance.DurableFiles;
import io.pgset.instance.InstalledServer;
import io.pgset.instance.Poll;
import io.pgset.instance.RestoreSource;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a user does with local clusters: up, scale, status, down, delete, delete-pod. The CLI is a
 * thin shell over this class; the controller daemon does the ordered work, this class starts it,
 * changes the spec it follows and shows progress.
 */
public final class LocalClusters {

    private static final Duration LOCK_WAIT = Duration.ofSeconds(120);
    /**
     * How long a command waits between two looks at the controller's status while it waits for the
     * cluster; each look is answered when the status changes ({@link ControllerClient#nextStatus}).
     */
    private static final Duration WATCH_EVERY = Duration.ofMillis(50);

    private final Path pgsetHome;
    private final Launcher launcher;
    private final PrintStream out;

    public LocalClusters(Path pgsetHome, Launcher launcher, PrintStream out) {
        this.pgsetHome = pgsetHome;
        this.launcher = launcher;
        this.out = out;
        Preflight.homeIsADirectory(pgsetHome);
    }

    public ClusterHome home(String name) {
        return ClusterHome.of(pgsetHome, name);
    }

    public boolean exists(String name) {
        return Files.exists(home(name).spec());
    }

    /**
     * Starts a cluster, or re-adopts a running one, and waits until it is Healthy.
     *
     * @param given the spec from {@code -f}; empty to use the cluster's applied spec, or the
     *              default one for a new cluster
     */
    public ClusterStatus up(Optional<ClusterSpec> given, String defaultName, Duration timeout) {
        String name = given.map(ClusterSpec::name).orElse(defaultName);
        ClusterHome home = home(name);
        ClusterSpec spec = given.orElseGet(() -> exists(name) ? SpecReader.read(home.spec()) : SpecReader.defaults(name));
        Preflight.postgresInstalled(spec);
        Preflight.haproxyInstalled();
        Preflight.kernelServicesSetting(System.getenv().getOrDefault(KernelServices.ENV, ""));
        Preflight.backupsSupported(spec);
        Preflight.writable(home.dir());
        Preflight.volumesReachable(pgsetHome);
        if (!exists(name)) {
            RecoverySources.resolve(spec, pgsetHome); // a source that cannot be found stops a new cluster here
        }
        SpecWarnings.print(out, spec);
        ControllerClient controller = new ControllerClient(home);
        UpLeftovers leftovers = new UpLeftovers(pgsetHome, home, launcher, out, exists(name));
        Optional<Process> warmController = Optional.empty();
        try {
            Files.createDirectories(home.dir());
            try (ChangeLock lock = changeLock(home)) {
                boolean running = controller.running();
                if (!running) {
                    // Its JVM starts while this command writes the spec and secrets it is to read (see WarmInstances).
                    warmController = Optional.of(launcher.startWarm(ControllerClient.marker(home), home.controllerLog()));
                    checkKeptPortsFree(home);
                }
                if (given.isPresent() || !exists(name)) {
                    if (exists(name) && checkChange(home, spec)) {
                        keepPrevious(home);
                    }
                    Json.writeText(home.spec(), SpecReader.write(spec));
                }
                LocalSecrets.ensure(home, spec.bootstrap().initdb().owner());
                Services.ensure(home, pgsetHome);
                if (running) {
                    out.println("cluster " + name + ": controller already running (pid "
                            + controller.process().map(ProcessHandle::pid).orElse(0L) + ")");
                    controller.poke();
                } else {
                    Files.deleteIfExists(home.controllerStopped());
                    startController(home, controller, warmController);
                    warmController = Optional.empty();
                }
            }
        } catch (IOException e) {
            warmController.ifPresent(LocalClusters::stopWarm);
            leftovers.remove(controller);
            throw new PgsetException("cannot prepare cluster " + name + " in " + home.dir() + ": " + IoMessages.describe(e), e);
        } catch (RuntimeException e) {
            warmController.ifPresent(LocalClusters::stopWarm);
            leftovers.remove(controller);
            throw e;
        }
        try {
            return awaitHealthy(home, controller, spec, timeout);
        } catch (RestoreFailedException e) {
            removeFailedRecovery(home, controller, leftovers);
            throw e;
        }
    }

    /**
     * A new cluster whose restore failed for good holds no database (a restore becomes pgdata only
     * once it has promoted): it is stopped and removed, so that fixing the spec and running the same
     * {@code up} again just works. Anything with data in it stays.
     */
    private void removeFailedRecovery(ClusterHome home, ControllerClient controller, UpLeftovers leftovers) {
        stop(home);
        try (var volumes = Files.exists(home.volumes()) ? Files.list(home.volumes()) : java.util.stream.Stream.<Path>empty()) {
            if (volumes.anyMatch(volume -> Files.exists(volume.resolve("pgdata")))) {
                return;
            }
        } catch (IOException e) {
            return;
        }
        leftovers.remove(controller);
        out.println("cluster " + home.name() + ": removed again, it holds no data; nothing of the source was changed");
    }

    /** A new cluster's restore from a backup failed in a way another attempt would repeat. */
    static final class RestoreFailedException extends PgsetException {
        RestoreFailedException(String message) {
            super(message);
        }
    }

    /**
     * Applies a changed spec to a running cluster and waits until every instance runs it: reloads
     * everywhere, restarts (replicas first, the primary last after a switchover) where a
     * parameter needs one, scaling where the number of instances changed. A change that cannot
     * be applied is refused, and nothing is written.
     */
    public ClusterStatus apply(ClusterSpec spec, Duration timeout) {
        String name = spec.name();
        if (!exists(name)) {
            throw new PgsetException("no cluster named '" + name + "' in " + pgsetHome + "; `pgset up -f FILE` creates it");
        }
        ClusterHome home = home(name);
        ControllerClient controller = new ControllerClient(home);
        if (!controller.running()) {
            throw new PgsetException("cluster " + name + " is not running; `pgset up -f FILE` starts it with this spec");
        }
        Preflight.postgresInstalled(spec);
        Preflight.backupsSupported(spec);
        SpecWarnings.print(out, spec);
        try (ChangeLock lock = changeLock(home)) {
            if (!checkChange(home, spec)) {
                out.println("cluster " + name + ": the spec is unchanged");
            } else {
                keepPrevious(home);
            }
            Json.writeText(home.spec(), SpecReader.write(spec));
        } catch (IOException e) {
            throw new PgsetException("cannot write " + home.spec() + ": " + IoMessages.describe(e), e);
        }
        controller.poke();
        return awaitHealthy(home, controller, spec, timeout);
    }

    /**
     * What {@link #apply} would do with this spec, changing nothing: the spec's changes, those it
     * would refuse, and which instances would reload or restart, and why.
     */
    public RolloutPreview preview(ClusterSpec spec) {
        ClusterHome home = existing(spec.name());
        ClusterSpec applied = SpecReader.read(home.spec());
        Optional<String> primary = Optional.ofNullable(status(spec.name()).primary());
        InstalledServer server = new InstalledServer(Path.of(spec.postgres().binDir()));
        try {
            return RolloutPreview.of(applied, spec, primary, server.forPreview());
        } finally {
            server.close();
        }
    }

    /**
     * Lists each instance's certificate (serial, validity, when it renews), after issuing new
     * ones everywhere when {@code renew}: postgres reloads them, nothing restarts.
     */
    public void certificates(String name, boolean renew) {
        ClusterHome home = existing(name);
        ClusterSpec spec = SpecReader.read(home.spec());
        if (!spec.tls().enabled()) {
            throw new PgsetException("cluster " + name + " has TLS off (spec.tls.enabled: false), so it has no"
                    + " certificates; enable it with `pgset apply`");
        }
        LocalRuntime runtime = new LocalRuntime(pgsetHome, home, launcher);
        try {
            io.pgset.instance.InstanceHttpClient http = new io.pgset.instance.InstanceHttpClient(LocalSecrets.apiToken(home),
                    io.pgset.instance.ApiTls.client(LocalSecrets.caCertificate(home)));
            X509Certificate ca = CertificateAuthority.parseCertificate(Files.readString(LocalSecrets.caCertificate(home)));
            out.printf("cluster %s: CA \"%s\", valid until %s (%s)%n", name, ca.getSubjectX500Principal().getName(),
                    ca.getNotAfter().toInstant(), LocalSecrets.caCertificate(home));
            for (var pod : runtime.pods()) {
                if (renew && pod.running()) {
                    http.renewCertificates(pod.host(), pod.apiPort());
                }
                Path file = home.volume(pod.name()).resolve("tls/server.crt");
                if (!Files.exists(file)) {
                    out.printf("  %-14s no certificate yet%n", pod.name());
                    continue;
                }
                X509Certificate cert = CertificateAuthority.parseCertificate(Files.readString(file));
                out.printf("  %-14s serial %s  valid %s .. %s  renews at %s%s%n", pod.name(),
                        cert.getSerialNumber().toString(16), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                        CertificateAuthority.renewAt(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()),
                        renew && !pod.running() ? "  (not running: renews when it starts)" : "");
            }
        } catch (IOException e) {
            throw new PgsetException("cannot read or renew the certificates of " + name + ": " + IoMessages.describe(e), e);
        }
    }

    /** Changes the number of instances; the controller creates or removes them one at a time. */
    public ClusterStatus scale(String name, int instances, Duration timeout) {
        ClusterHome home = existing(name);
        ControllerClient controller = new ControllerClient(home);
        if (!controller.running()) {
            throw new PgsetException("cluster " + name + " is not running; start it with `pgset up " + name + "` first");
        }
        ClusterSpec scaled = SpecReader.read(SpecReader.write(SpecReader.read(home.spec()).withInstances(instances)));
        try (ChangeLock lock = changeLock(home)) {
            Json.writeText(home.spec(), SpecReader.write(scaled));
        } catch (IOException e) {
            throw new PgsetException("cannot write " + home.spec() + ": " + IoMessages.describe(e), e);
        }
        controller.poke();
        return awaitHealthy(home, controller, scaled, timeout);
    }

    /** How long a switchover may take, from the clean stop to the promotion (twice the catch-up window, and some). */
    private static final Duration SWITCHOVER_TIMEOUT = SwitchoverPlanner.CATCH_UP.multipliedBy(3);

    /**
     * Hands the primary role to {@code to} (or the best replica) with no committed transaction
     * lost, and waits until the controller says how it ended and rw has moved.
     */
    public String switchover(String name, Optional<String> to) {
        ClusterHome home = existing(name);
        ControllerClient controller = new ControllerClient(home);
        if (!controller.running()) {
            throw new PgsetException("cluster " + name + " is not running; start it with `pgset up " + name + "` first");
        }
        long start = System.nanoTime();
        ClusterStatus.Switchover begun;
        try {
            begun = controller.switchover(to);
        } catch (IOException e) {
            throw new PgsetException("cannot reach the controller of " + name + ": " + IoMessages.describe(e)
                    + "; `pgset status " + name + "` tells whether it runs", e);
        }
        ClusterStatus.Switchover ended = awaitSwitchover(name, controller, begun);
        if (ended.state() != ClusterStatus.Switchover.State.DONE) {
            throw new PgsetException(ended.message());
        }
        out.printf("cluster %s: switchover done, the primary is %s (%.1f s)%n", name, ended.to(),
                (System.nanoTime() - start) / 1e9);
        return ended.to();
    }

    /** The switchover as the controller's status shows it once it has ended (and, if done, rw serves the target). */
    private ClusterStatus.Switchover awaitSwitchover(String name, ControllerClient controller,
                                                     ClusterStatus.Switchover begun) {
        AtomicReference<ClusterStatus.Switchover> seen = new AtomicReference<>(begun);
        try {
            boolean ended = Poll.until(SWITCHOVER_TIMEOUT, Duration.ofMillis(50), () -> {
                Optional<ClusterStatus> status = controller.status();
                Optional<ClusterStatus.Switchover> now = status.map(ClusterStatus::switchover)
                        .filter(s -> s.startedAt().equals(begun.startedAt()) && s.to().equals(begun.to()));
                now.ifPresent(seen::set);
                return now.filter(ClusterStatus.Switchover::over)
                        .map(s -> s.state() != ClusterStatus.Switchover.State.DONE
                                || s.to().equals(status.get().primary()))
                        .orElse(false);
            });
            if (!ended) {
                throw new PgsetException("switchover " + begun.from() + " -> " + begun.to() + " of " + name
                        + " has not ended after " + SWITCHOVER_TIMEOUT.toSeconds() + " s (" + seen.get().state()
                        + "); `pgset events " + name + "` tells what happened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgsetException("interrupted while waiting for the switchover of " + name, e);
        }
        return seen.get();
    }

    /** The status the controller publishes, or (with no controller) what can be seen from files. */
    public ClusterStatus status(String name) {
        ClusterHome home = existing(name);
        ControllerClient controller = new ControllerClient(home);
        Optional<ClusterStatus> live = controller.status();
        if (live.isPresent()) {
            return live.get();
        }
        return OfflineStatus.of(home, pgsetHome, launcher, controller.running());
    }

    public List<String> names() {
        Path clusters = pgsetHome.resolve("clusters");
        if (!Files.isDirectory(clusters)) {
            return List.of();
        }
        try (var dirs = Files.list(clusters)) {
            return dirs.filter(d -> Files.exists(d.resolve("spec.yaml"))).map(d -> d.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new PgsetException("cannot list " + clusters + ": " + IoMessages.describe(e), e);
        }
    }

    /** Stops the controller, then every instance, highest ordinal first; volumes stay. */
    public void down(String name) {
        ClusterHome home = existing(name);
        stop(home);
        out.println("cluster " + name + " is stopped; its volumes are kept in " + home.volumes());
    }

    private void stop(ClusterHome home) {
        String name = home.name();
        try (ChangeLock lock = changeLock(home)) {
            // First, so that no instance manager starts the controller again (ControllerWatchdog).
            DurableFiles.write(home.controllerStopped(), "stopped by pgset down or delete\n");
            ControllerClient controller = new ControllerClient(home);
            Optional<ProcessHandle> daemon = controller.process();
            if (daemon.isPresent()) {
                out.println("cluster " + name + ": stopping the controller");
                Processes.stop(daemon.get(), Duration.ofSeconds(30));
            }
            LocalRuntime runtime = new LocalRuntime(pgsetHome, home, launcher);
            List<io.pgset.core.control.PodState> pods = new ArrayList<>(runtime.pods());
            pods.sort(Comparator.comparingInt(io.pgset.core.control.PodState::ordinal).reversed());
            try {
                for (var pod : pods) {
                    if (pod.running()) {
                        out.println("cluster " + name + ": stopping " + pod.name());
                        runtime.deletePod(pod);
                    }
                }
            } finally {
                KernelServices.stop(home); // first: no route may outlive the listener it stands in front of
                HaproxyServices.stop(home); // also when an instance would not stop: no listener is left behind
            }
        } catch (IOException e) {
            throw new PgsetException("cannot stop cluster " + name + ": " + IoMessages.describe(e), e);
        }
    }

    /**
     * Stops and removes a cluster. Its volumes and the secrets their data was made with stay
     * unless {@code volumes} is set, so that {@code up} with the same name brings the data back.
     * The default backup repository always stays: it is what a deleted cluster is recovered from,
     * and a new incarnation archives beside it (under its own system identifier).
     */
    public void delete(String name, boolean volumes) {
        ClusterHome home = existing(name);
        stop(home);
        try (var entries = Files.list(home.dir())) {
            for (Path entry : entries.toList()) {
                String file = entry.getFileName().toString();
                boolean keep = !volumes && (file.equals("volumes") || file.equals("secrets") || file.equals("spec.yaml"));
                if (!keep && !file.equals("change.lock") && !file.equals("backups")) {
                    FileTree.delete(entry);
                }
            }
            if (volumes && Files.exists(home.backups())) {
                Files.deleteIfExists(home.dir().resolve("change.lock"));
                out.println("cluster " + name + " deleted with its volumes; its backups are kept in " + home.backups()
                        + " (remove them by hand when they are no longer needed)");
            } else if (volumes) {
                FileTree.delete(home.dir());
                out.println("cluster " + name + " deleted with its volumes");
            } else {
                // Durably: a crash must not bring back a cluster whose other files are gone already.
                DurableFiles.move(home.spec(), home.dir().resolve("spec.yaml.deleted"));
                out.println("cluster " + name + " deleted; volumes and secrets kept in " + home.dir()
                        + " (`pgset delete " + name + " --volumes` removes them)");
            }
        } catch (IOException e) {
            throw new PgsetException("cannot delete cluster " + name + ": " + IoMessages.describe(e), e);
        }
    }

    /** Deletes one instance; the controller recreates it with the same name and volume. */
    public void deletePod(String pod, boolean force) {
        String cluster = podName(pod).cluster();
        ClusterHome home = existing(cluster);
        LocalRuntime runtime = new LocalRuntime(pgsetHome, home, launcher);
        var state = runtime.pods().stream().filter(p -> p.name().equals(pod) && p.running()).findFirst()
                .orElseThrow(() -> new PgsetException("instance " + pod + " is not running; `pgset status "
                        + cluster + "` lists the instances"));
        try {
            if (force) {
                runtime.killPod(pod);
            } else {
                runtime.deletePod(state);
            }
        } catch (IOException e) {
            throw new PgsetException("cannot delete " + pod + ": " + IoMessages.describe(e), e);
        }
        new ControllerClient(home).poke();
        out.println("instance " + pod + " deleted" + (force ? " (killed)" : "") + "; the controller recreates it");
    }

    /**
     * Kills an instance and its postgres (kill -9) and tells nobody, as when its machine dies: the
     * controller has to notice on its own. For failure drills.
     */
    public void crashPod(String pod) throws IOException {
        String cluster = podName(pod).cluster();
        new LocalRuntime(pgsetHome, existing(cluster), launcher).killPod(pod);
    }

    /** An instance name from the command line; a user error when it is not one. */
    public static PodName podName(String pod) {
        try {
            return PodName.parse(pod);
        } catch (IllegalArgumentException e) {
            throw new PgsetException(e.getMessage());
        }
    }

    ClusterHome existing(String name) {
        if (!exists(name)) {
            List<String> known = names();
            throw new PgsetException("no cluster named '" + name + "' in " + pgsetHome
                    + (known.isEmpty() ? "; create one with `pgset up`" : "; known clusters: " + String.join(", ", known)));
        }
        return home(name);
    }

    /** A warm controller JVM this {@code up} will not hand over: stopped before anything is removed. */
    private static void stopWarm(Process warm) {
        warm.destroyForcibly();
        Processes.awaitExit(warm.toHandle(), Duration.ofSeconds(10));
    }

    /** Starts the controller: the warm JVM when it can take over, else a new process. */
    private void startController(ClusterHome home, ControllerClient controller, Optional<Process> warm) throws IOException {
        out.println("cluster " + home.name() + ": starting controller");
        Files.deleteIfExists(home.controllerFile());
        List<String> args = ControllerClient.daemonArgs(pgsetHome, home);
        Optional<Process> warmed = warm.flatMap(w -> WarmInstances.give(w, args, home.controllerLog()));
        Process process = warmed.isPresent() ? warmed.get() : launcher.start(args, home.controllerLog());
        boolean answered = await(Duration.ofSeconds(30), WATCH_EVERY, () -> {
            if (controller.status().isPresent()) {
                return true;
            }
            if (!process.isAlive() && !controller.running()) {
                throw new Poll.GiveUp(new PgsetException("the controller of " + home.name() + " exited at start; see "
                        + home.controllerLog()));
            }
            return false;
        });
        if (!answered) {
            throw new PgsetException("the controller of " + home.name() + " did not answer within 30 s; see "
                    + home.controllerLog());
        }
    }

    /**
     * Refuses a spec that cannot be applied to the existing cluster, and prints what it changes.
     *
     * @return whether anything changes
     */
    private boolean checkChange(ClusterHome home, ClusterSpec spec) {
        ClusterSpec applied = SpecReader.read(home.spec());
        List<String> refused = SpecChanges.refused(applied, spec);
        if (!refused.isEmpty()) {
            throw new PgsetException("cannot apply this spec to cluster " + home.name() + "; nothing was changed:\n  "
                    + String.join("\n  ", refused));
        }
        List<String> changes = SpecChanges.describe(applied, spec);
        for (String change : changes) {
            out.println("cluster " + home.name() + ": " + change);
        }
        return !changes.isEmpty();
    }

    /** Keeps the applied spec as the way back, before a changed one replaces it. */
    private void keepPrevious(ClusterHome home) throws IOException {
        Json.writeText(home.previousSpec(), Files.readString(home.spec()));
        out.println("cluster " + home.name() + ": the previous spec is kept in " + home.previousSpec()
                + " (`pgset apply -f " + home.previousSpec() + "` goes back to it)");
    }

    /** A kept port taken by something else would make an instance or service fail later: say so now. */
    private void checkKeptPortsFree(ClusterHome home) {
        List<String> busy = new ArrayList<>();
        // A running HAProxy of this cluster holds them, and goes on serving.
        Services.read(home).filter(s -> new HaproxyProcess(home).running().isEmpty()).ifPresent(s -> {
            if (!Ports.isFree(s.rw())) {
                busy.add("rw service port " + s.rw());
            }
            if (!Ports.isFree(s.ro())) {
                busy.add("ro service port " + s.ro());
            }
        });
        LocalRuntime runtime = new LocalRuntime(pgsetHome, home, launcher);
        for (var pod : runtime.pods()) {
            if (pod.running()) {
                continue; // adopted as it is
            }
            for (int port : new int[] {pod.port(), pod.apiPort()}) {
                if (port > 0 && !Ports.isFree(port)) {
                    busy.add(pod.name() + " port " + port);
                }
            }
        }
        if (!busy.isEmpty()) {
            throw new PgsetException("cluster " + home.name() + " keeps its ports for life, but these are in use by "
                    + "other processes: " + String.join(", ", busy) + ". Stop those processes and run `pgset up` again.");
        }
    }

    /** Waits until the controller reports the cluster Healthy under exactly this spec. */
    private ClusterStatus awaitHealthy(ClusterHome home, ControllerClient controller, ClusterSpec spec, Duration timeout) {
        int instances = spec.instances();
        String version = SpecReader.version(spec);
        Progress progress = new Progress(out, home.name());
        long start = System.nanoTime();
        AtomicReference<ClusterStatus> seen = new AtomicReference<>();
        boolean healthy = await(timeout, WATCH_EVERY, () -> {
            Optional<ClusterStatus> status = controller.nextStatus();
            if (status.isEmpty() && !controller.running()) {
                throw new Poll.GiveUp(new PgsetException("the controller of " + home.name() + " stopped; see "
                        + home.controllerLog()));
            }
            status.ifPresent(s -> {
                seen.set(s);
                progress.show(s);
            });
            Optional<ClusterStatus> stalled = status.filter(s -> version.equals(s.specVersion()) && !s.stalled().isEmpty());
            if (stalled.isPresent()) {
                throw new Poll.GiveUp(new PgsetException("the rollout of cluster " + home.name() + " makes no progress: "
                        + stalled.get().stalled() + wayBack(home) + ". See `pgset events " + home.name() + "`."));
            }
            Optional<String> restoreFailed = status.filter(s -> s.primary() == null || s.primary().isEmpty())
                    .flatMap(s -> s.pods().stream().map(ClusterStatus.PodStatus::message)
                            .filter(m -> m != null && m.contains(RestoreSource.FAILED)).findFirst());
            if (restoreFailed.isPresent()) {
                throw new Poll.GiveUp(new RestoreFailedException("cluster " + home.name() + " cannot be created: "
                        + restoreFailed.get()));
            }
            return status.filter(s -> s.phase() == Phase.HEALTHY && version.equals(s.specVersion())
                    && s.pods().size() == instances).isPresent();
        });
        ClusterStatus last = seen.get();
        if (healthy) {
            out.printf("cluster %s is Healthy: %d/%d instances ready, primary %s (%.1f s)%n", home.name(),
                    last.readyInstances(), instances, last.primary(), (System.nanoTime() - start) / 1e9);
            out.println("  " + FailoverGuarantee.describe(spec, last.primary()));
            return last;
        }
        throw new PgsetException("cluster " + home.name() + " is not Healthy after " + timeout.toSeconds() + " s"
                + (last == null ? "" : " (phase " + last.phase().label() + ": " + last.message() + ")")
                + "; it keeps trying in the background. See `pgset events " + home.name() + "` and `pgset logs "
                + home.name() + "-0`.");
    }

    private static String wayBack(ClusterHome home) {
        return Files.exists(home.previousSpec())
                ? " (to go back: `pgset apply -f " + home.previousSpec() + "`)"
                : "";
    }

    /** Held while a command changes a cluster's files; released with its channel. */
    private record ChangeLock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.release();
            channel.close();
        }
    }

    private static ChangeLock changeLock(ClusterHome home) throws IOException {
        FileChannel channel = FileChannel.open(home.changeLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        AtomicReference<FileLock> taken = new AtomicReference<>();
        try {
            boolean locked = await(LOCK_WAIT, Duration.ofMillis(100), () -> {
                try {
                    taken.set(channel.tryLock());
                } catch (OverlappingFileLockException e) {
                    // held by another thread of this JVM: wait like for another process
                } catch (IOException e) {
                    throw new Poll.GiveUp(new UncheckedIOException(e));
                }
                return taken.get() != null;
            });
            if (locked) {
                return new ChangeLock(channel, taken.get());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (taken.get() == null) {
                channel.close();
            }
        }
        throw new PgsetException("another pgset command is changing cluster " + home.name()
                + " and has not finished within " + LOCK_WAIT.toSeconds() + " s; try again when it is done");
    }

    /** {@link Poll#until}, for commands: an interrupt ends the command (the flag stays set). */
    private static boolean await(Duration timeout, Duration every, Poll.Check condition) {
        try {
            return Poll.until(timeout, every, condition);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgsetException("interrupted");
        }
    }
}
