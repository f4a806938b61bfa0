package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.PodName;
import io.pgset.core.plan.RolloutPreview;
import io.pgset.core.plan.SwitchoverPlanner;
import io.pgset.core.spec.SpecReader;
import io.pgset.core.tls.CertificateAuthority;
import io.pgset.instance.InstalledServer;
import io.pgset.instance.Poll;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a user does with local clusters: up, scale, status, down, delete, delete-pod. The CLI is a
 * thin shell over this class; the controller daemon does the ordered work, this class starts it,
 * changes the spec it follows and shows progress.
 */
public final class LocalClusters {

    /**
     * How long a command waits between two looks at the controller's status while it waits for the
     * cluster; each look is answered when the status changes ({@link ControllerClient#nextStatus}).
     */
    static final Duration WATCH_EVERY = Duration.ofMillis(50);

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
     * Starts a cluster, or re-adopts a running one, and waits until it is Healthy ({@link ClusterUp}).
     *
     * @param given the spec from {@code -f}; empty to use the cluster's applied spec, or the
     *              default one for a new cluster
     */
    public ClusterStatus up(Optional<ClusterSpec> given, String defaultName, Duration timeout) {
        return new ClusterUp(pgsetHome, launcher, out).up(given, defaultName, timeout);
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
        try (ChangeLock lock = ChangeLock.take(home)) {
            if (!new SpecChange(out).check(home, spec)) {
                out.println("cluster " + name + ": the spec is unchanged");
            } else {
                new SpecChange(out).keepPrevious(home);
            }
            Json.writeText(home.spec(), SpecReader.write(spec));
        } catch (IOException e) {
            throw new PgsetException("cannot write " + home.spec() + ": " + IoMessages.describe(e), e);
        }
        controller.poke();
        return new HealthyWait(out, WATCH_EVERY).await(home, controller, spec, timeout);
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
        try (ChangeLock lock = ChangeLock.take(home)) {
            Json.writeText(home.spec(), SpecReader.write(scaled));
        } catch (IOException e) {
            throw new PgsetException("cannot write " + home.spec() + ": " + IoMessages.describe(e), e);
        }
        controller.poke();
        return new HealthyWait(out, WATCH_EVERY).await(home, controller, scaled, timeout);
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
        new ClusterStop(pgsetHome, launcher, out).stop(home);
        out.println("cluster " + name + " is stopped; its volumes are kept in " + home.volumes());
    }

    /**
     * Stops and removes a cluster ({@link ClusterStop#delete}): its volumes and secrets stay unless
     * {@code volumes} is set.
     */
    public void delete(String name, boolean volumes) {
        new ClusterStop(pgsetHome, launcher, out).delete(existing(name), volumes);
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
}
