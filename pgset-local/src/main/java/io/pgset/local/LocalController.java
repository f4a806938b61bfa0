package io.pgset.local;

import io.pgset.core.control.ClusterController;
import io.pgset.core.json.JsonText;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Conditions;
import io.pgset.core.model.Phase;
import io.pgset.core.spec.SpecException;
import io.pgset.core.spec.Cidr;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.ApiServer;
import io.pgset.instance.ApiTls;
import io.pgset.instance.ApiServer.Response;
import io.pgset.local.dashboard.Dashboard;
import io.pgset.local.dashboard.DashboardServer;
import io.pgset.local.dashboard.RecentEvents;
import io.pgset.instance.metrics.ClusterMetrics;
import io.pgset.instance.metrics.Exposition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The controller daemon of one local cluster: runs {@link ClusterController} every half second (or
 * at once when asked), keeps the HAProxy that serves {@code rw} and {@code ro} in line, and
 * answers {@code GET /status} and {@code GET /metrics} (cluster-level, {@link ClusterMetrics}) on
 * its loopback API. Exactly one runs per cluster: it holds {@code controller.lock} for its life.
 * When it dies the instances keep serving; the next one adopts them.
 */
public final class LocalController implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.controller");

    /** Between passes while nothing changes; it bounds how long a lost primary goes unnoticed. */
    private static final Duration INTERVAL = Duration.ofMillis(250);
    /** Between passes while the cluster is changing (a promotion, a new instance): rw follows at once. */
    private static final Duration BUSY_INTERVAL = Duration.ofMillis(50);
    /** How long {@code POST /status/next} holds a request while nothing changes. */
    static final Duration NEXT_STATUS_WAIT = Duration.ofSeconds(1);

    private final ClusterHome home;
    private final ClusterController controller;
    private final Semaphore wake = new Semaphore(0);
    /** Work the API hands to the loop thread, so that only that thread ever drives the cluster. */
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Services services;
    private final ServiceRefusals refusals;
    private final HaproxyServices haproxy;
    private final KernelServices kernel;
    private final ApiServer api;
    /** Instances say here when they become ready, so the next pass need not wait for the tick. */
    private final ControllerWake wakeListener;
    /** The next ordinals' JVMs, started while the one before starts; stopped with the controller if unused. */
    private final WarmInstances warm;
    private volatile ClusterStatus latest;
    private final LocalRuntime runtime;
    /** Whether rw and ro follow the status: once the primary it names has answered, or nothing was adopted. */
    private boolean primaryConfirmed;
    /** {@link #latest}, numbered for commands that wait for the next one ({@code POST /status/next}). */
    private final PublishedStatus published;
    private volatile boolean stopping;
    private volatile ClusterSpec spec;
    private Parsed parsed;
    private final ApiTls.ServerTls apiTls;
    private final ScheduledBackups backups;
    private final Dashboard dashboard;
    private final DashboardServer dashboardServer;
    /** Failovers, switchovers, instances wanted and ready ({@code GET /metrics}). */
    private final ClusterMetrics metrics;

    private LocalController(Path pgsetHome, ClusterHome home, Launcher launcher) throws IOException {
        this.home = home;
        this.spec = SpecReader.read(home.spec());
        String token = LocalSecrets.apiToken(home);
        this.warm = new WarmInstances(launcher, home);
        this.runtime = new LocalRuntime(pgsetHome, home, launcher, Optional.of(warm));
        runtime.warmFirst(spec.instances());
        RecentEvents events = new RecentEvents(new EventLog(home.events(), Clock.systemUTC()), Clock.systemUTC());
        this.controller = new ClusterController(runtime, LocalInstanceClient.of(home), events, Clock.systemUTC());
        this.backups = new ScheduledBackups(home, events, Clock.systemDefaultZone());
        this.dashboard = new Dashboard(events);
        this.dashboardServer = new DashboardServer(Ports.LOOPBACK, token, dashboard, home.name());
        this.services = Services.read(home).orElseThrow(() -> new IOException("no services.json in " + home.dir()));
        this.latest = new ClusterStatus(spec.name(), Phase.PROGRESSING, null, spec.instances(), 0, List.of(),
                List.of(), Services.describe(services, home, spec), "controller starting", "", null, List.of());
        int refusalPort = ServiceRefusals.port(home, pgsetHome);
        this.refusals = new ServiceRefusals(refusalPort, services, this::refusal, this::refusalTls);
        this.haproxy = new HaproxyServices(home, services, refusalPort);
        this.kernel = new KernelServices(home, services, System.getenv().getOrDefault(KernelServices.ENV, ""));
        kernel.off().ifPresent(why -> LOG.info("cluster={} rw and ro are served by HAProxy alone: {}", home.name(), why));
        this.apiTls = ApiTls.server(ApiTls.authority(home.secrets()), List.of("controller-" + home.name(), "localhost"),
                List.of(Ports.LOOPBACK), Duration.ofDays(spec.tls().validityDays()));
        this.api = new ApiServer(Ports.LOOPBACK, 0, token, "controller-" + home.name(), apiTls.context());
        this.published = new PublishedStatus(latest);
        this.wakeListener = ControllerWake.listen(token, wake::release);
        this.metrics = new ClusterMetrics(() -> List.of(ClusterMetrics.Figures.of(latest, controller.counters(), "")));
        api.open("GET", "/healthz", body -> Response.probe(!stopping, "stopping"))
           .secured("GET", "/status", body -> Response.json(latest))
           .secured("POST", "/status/next", body -> {
               long seen = JsonText.parseOptional(body).path("after").asLong(0);
               PublishedStatus.Numbered next = published.after(seen, NEXT_STATUS_WAIT);
               return Response.json(Map.of("generation", next.generation(), "status", next.status()));
           })
           .secured("GET", "/metrics", body -> new Response(200, Exposition.CONTENT_TYPE, metrics.scrape()))
           .secured("POST", "/reconcile", body -> {
               wake.release();
               return Response.json(Map.of("woken", true));
           })
           .secured("POST", "/switchover", body -> {
               String to = JsonText.parseOptional(body).path("to").asText("");
               CompletableFuture<ClusterStatus.Switchover> begun = new CompletableFuture<>();
               tasks.add(() -> {
                   try {
                       begun.complete(controller.beginSwitchover(spec, to.isEmpty() ? Optional.empty() : Optional.of(to)));
                   } catch (RuntimeException e) {
                       begun.completeExceptionally(e);
                   }
               });
               wake.release();
               // Only the clean stop of the primary is waited for here; the caller watches /status for the end.
               try {
                   return Response.json(begun.get(2, TimeUnit.MINUTES));
               } catch (ExecutionException e) {
                   return Response.text(409, e.getCause().getMessage() + "\n");
               }
           });
    }

    /** Runs the controller until SIGTERM; returns at once if another controller holds the lock. */
    public static void run(Path pgsetHome, String cluster, Launcher launcher) throws Exception {
        ClusterHome home = ClusterHome.of(pgsetHome, cluster);
        try (FileChannel channel = FileChannel.open(home.controllerLock(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = takeLock(channel)) {
            if (lock == null) {
                LOG.info("cluster={} another controller is running; exiting", cluster);
                return;
            }
            LocalController daemon = new LocalController(pgsetHome, home, launcher);
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown-controller"));
            daemon.serve();
        }
    }

    /**
     * The controller lock, or null when another controller holds it. Instance managers look at the
     * lock now and then (a free one means a dead controller), holding it for an instant: a moment's
     * patience tells such a look from a running controller.
     */
    private static FileLock takeLock(FileChannel channel) throws IOException, InterruptedException {
        java.util.concurrent.atomic.AtomicReference<FileLock> lock = new java.util.concurrent.atomic.AtomicReference<>();
        io.pgset.instance.Poll.until(Duration.ofSeconds(2), Duration.ofMillis(20), () -> {
            lock.set(channel.tryLock());
            return lock.get() != null;
        });
        return lock.get();
    }

    private void serve() throws IOException, InterruptedException {
        api.serveLocally(home.apiSockets()).start();
        try {
            StaleApiSockets.remove(home, api.port())
                    .forEach(f -> LOG.info("cluster={} removed {}, left by a controller that was killed", home.name(), f));
        } catch (IOException e) {
            LOG.info("cluster={} could not look for sockets left by killed controllers: {}", home.name(), e.getMessage());
        }
        dashboardServer.start();
        Json.write(home.controllerFile(), Json.object().put("pid", ProcessHandle.current().pid())
                .put("apiPort", api.port()).put("rw", services.rw()).put("ro", services.ro())
                .put("dashboardPort", dashboardServer.port()).put("wakePort", wakeListener.port()));
        LOG.info("cluster={} controller running (pid {}, API port {})", home.name(), ProcessHandle.current().pid(),
                api.port());
        while (!stopping) {
            for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                task.run();
            }
            reconcileOnce();
            Duration pause = controller.acted() ? BUSY_INTERVAL : INTERVAL;
            wake.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
            wake.drainPermits();
        }
        stopped.await();
    }

    /**
     * Why the services refuse a client, empty when they admit it: the current spec's network.allow,
     * as pg_hba.conf does on each instance.
     */
    private Optional<String> refusal(java.net.InetAddress client) {
        ClusterSpec now = spec;
        if (Cidr.contains(now.network().allow(), client)) {
            return Optional.empty();
        }
        return Optional.of("cluster " + now.name() + " does not allow connections from "
                + client.getHostAddress() + " (spec.network.allow: " + String.join(", ", now.network().allow()) + ")");
    }

    /**
     * TLS for telling a refused client why: the controller API's certificate, issued by the cluster
     * CA for 127.0.0.1, which clients verify the services against.
     */
    private Optional<javax.net.ssl.SSLContext> refusalTls() {
        return spec.tls().enabled() ? Optional.of(apiTls.context()) : Optional.empty();
    }

    /** A new API certificate two thirds into the last one's validity; open connections keep theirs. */
    private void renewApiCertificateWhenDue() {
        if (Instant.now().isBefore(apiTls.renewAt())) {
            return;
        }
        try {
            apiTls.renew();
            LOG.info("cluster={} controller API certificate renewed", home.name());
        } catch (RuntimeException e) {
            LOG.warn("cluster={} controller API certificate renewal failed: {}", home.name(), e.getMessage());
        }
    }

    /** One pass; never throws, so the loop never dies. */
    private void reconcileOnce() {
        renewApiCertificateWhenDue();
        try {
            spec = readSpec();
            ClusterStatus status = controller.reconcile(spec).withServices(Services.describe(services, home, spec));
            ClusterStatus next = withConditions(status, Optional.empty());
            updateServices(next); // first: a published status is one rw and ro already follow
            latest = next;
            backups.tick(spec, latest);
        } catch (SpecException e) {
            String problems = String.join("; ", e.problems());
            latest = withConditions(latest.withPhase(Phase.DEGRADED, "spec.yaml is invalid, still running the last"
                    + " good spec: " + problems), Optional.of(problems));
        } catch (RuntimeException e) {
            LOG.warn("cluster={} reconcile failed: {}", home.name(), e.toString());
            latest = withConditions(latest.withPhase(Phase.DEGRADED, "reconcile failed: " + e.getMessage()),
                    Optional.empty());
        }
        published.publish(latest);
        dashboard.observe(latest, System.currentTimeMillis());
    }

    /** rw and ro follow this pass's status; a failure is retried at the next pass. */
    private void updateServices(ClusterStatus status) {
        if (!primaryConfirmed) {
            if (haproxy.pid() >= 0 && ServiceRouting.unconfirmed(status, runtime.recordedPrimary())) {
                return; // services that already ran stay as adopted: see ServiceRouting
            }
            primaryConfirmed = true;
        }
        try {
            haproxy.update(status, spec);
        } catch (RuntimeException e) {
            servicesNotUpdated(e);
        }
        try {
            kernel.update(status, spec, haproxy.pid()); // also when HAProxy failed: the kernel's routes must move
        } catch (RuntimeException e) {
            servicesNotUpdated(e);
        }
    }

    private void servicesNotUpdated(RuntimeException e) {
        LOG.warn("cluster={} services not updated: {}", home.name(), e.getMessage()
                + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
    }

    /** The conditions core computes, their transition times carried on from the last status. */
    private ClusterStatus withConditions(ClusterStatus status, Optional<String> specInvalid) {
        return status.withConditions(Conditions.of(status, specInvalid, latest.conditions(), Instant.now()));
    }

    /**
     * The spec file as it is now. Read every pass, parsed only when its text changed: parsing and
     * checking it anew each pass cost the busy passes of a new cluster's {@code up} CPU that its
     * initdb needed.
     */
    private ClusterSpec readSpec() {
        if (!Files.exists(home.spec())) {
            return spec;
        }
        String text;
        try {
            text = Files.readString(home.spec());
        } catch (IOException e) {
            return SpecReader.read(home.spec()); // reads it again, and says why it cannot, as always
        }
        Parsed last = parsed;
        if (last != null && last.text().equals(text)) {
            return last.spec();
        }
        ClusterSpec read = SpecReader.read(text);
        parsed = new Parsed(text, read);
        return read;
    }

    /** The spec file's text as last parsed, and what it said. */
    private record Parsed(String text, ClusterSpec spec) {}

    private String database() {
        return spec.bootstrap().initdb().database();
    }

    private String owner() {
        return spec.bootstrap().initdb().owner();
    }

    @Override
    public void close() {
        stopping = true;
        wake.release();
        backups.close();
        wakeListener.close();
        warm.close();
        refusals.close(); // HAProxy keeps serving rw and ro: the services outlive the controller
        api.close();
        dashboardServer.close();
        try {
            Files.deleteIfExists(home.controllerFile());
        } catch (IOException e) {
            LOG.warn("cluster={} cannot remove {}: {}", home.name(), home.controllerFile(), e.toString());
        }
        stopped.countDown();
    }
}
