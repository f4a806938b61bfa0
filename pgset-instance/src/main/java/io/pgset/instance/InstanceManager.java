package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecException;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Supervises one postgres: brings its data into being, starts it as the postgres user, restarts
 * it in place when it crashes (crash recovery), and stops it cleanly on shutdown.
 *
 * <p>The supervising loop never dies: a failed step is logged with its cause, reported through
 * {@link #status()}, and tried again after a growing pause.
 */
public final class InstanceManager implements AutoCloseable {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long postgres may be down before the liveness probe fails. */
    private static final Duration LIVENESS_GRACE = Duration.ofSeconds(60);

    private final InstanceOptions options;
    private final Clock clock;
    private final Tools tools;
    private final DataDirectory data;
    private final Secrets secrets;
    private final StatusReader statusReader;
    private final AtomicInteger restarts = new AtomicInteger();
    private final Thread supervisor;
    private final Thread renewal;
    private final InstanceTls tls;
    /** Whether postgres was last configured with TLS (sessions follow it, not an older spec). */
    private volatile boolean tlsOn;
    /** Renews the instance API's certificate (its server's business); returns when the next is due. */
    private volatile java.util.concurrent.Callable<Instant> apiRenewal = () -> Instant.MAX;
    private volatile Instant apiRenewAt = Instant.MAX;

    /** Held while postgres is prepared and started, and while a demotion changes its data under it. */
    private final Object startGate = new Object();
    /** Whom to stream from; changed by {@link #follow}, empty on a primary. */
    private volatile Optional<InstanceOptions.Endpoint> upstream;
    /** Set while postgres is being restarted on purpose, so its exit is not counted as a crash. */
    private volatile boolean restarting;
    private volatile boolean stopping;
    /** Why postgres is kept stopped (the instance fenced itself), or empty. */
    private volatile Optional<String> held = Optional.empty();
    private volatile boolean started;
    private volatile Process postgres;
    private volatile String message = "starting";
    private volatile Instant downSince;
    /** The spec postgres's configuration was last written from, its version, and the settings written. */
    private volatile ClusterSpec spec;
    private volatile String specVersion = "";
    private volatile Map<String, String> settings = Map.of();

    public InstanceManager(InstanceOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        PostgresUser user = PostgresUser.current();
        this.tools = new Tools(Path.of(options.spec().postgres().binDir()), user);
        this.data = new DataDirectory(options, tools, user);
        this.secrets = Secrets.read(options.secrets());
        this.tls = new InstanceTls(options, user, clock);
        PostgresSession session = session(options.host(), options.port());
        this.statusReader = new StatusReader(session, options.pod(), data);
        this.downSince = clock.instant();
        this.upstream = options.upstream();
        this.spec = options.spec();
        this.supervisor = new Thread(this::superviseForever, "supervisor-" + options.pod());
        this.renewal = new Thread(this::renewCertificatesForever, "certificates-" + options.pod());
        this.renewal.setDaemon(true);
    }

    public void start() {
        supervisor.start();
        renewal.start();
    }

    /** A superuser session to a postgres of this cluster, verified against the cluster CA while TLS is on. */
    private PostgresSession session(String host, int port) {
        return new PostgresSession(host, port, secrets.superuserPassword(),
                () -> tlsOn ? Optional.of(tls.caFile()) : Optional.empty());
    }

    /** The certificate files postgres and its peers use, issued or renewed as needed; empty with TLS off. */
    private void prepareTls(ClusterSpec wanted) throws IOException {
        tlsOn = wanted.tls().enabled();
        if (!wanted.tls().enabled()) {
            data.useTls(Optional.empty());
            return;
        }
        if (tls.ensure(wanted, false)) {
            log("certificates issued, valid until " + tls.expires().orElseThrow());
        }
        data.useTls(Optional.of(tls.files()));
    }

    /**
     * Issues new certificates now and has postgres load them with a reload: no restart, and
     * connections that are open stay open on the certificate they began with.
     */
    public Instant renewCertificates() throws IOException, SQLException {
        synchronized (startGate) {
            if (!spec.tls().enabled()) {
                throw new IOException("TLS is off for " + options.pod() + " (spec.tls.enabled: false); nothing to renew");
            }
            tls.ensure(spec, true);
            Instant expires = tls.expires().orElseThrow();
            try {
                apiRenewAt = apiRenewal.call();
            } catch (Exception e) {
                throw new IOException("cannot renew the instance API's certificate: " + e.getMessage(), e);
            }
            if (started) {
                statusReader.reload();
                awaitServed(tls.serial().orElseThrow());
            }
            log("certificates renewed, valid until " + expires + "; postgres reloaded them");
            return expires;
        }
    }

    /**
     * Waits until new connections get the certificate with this serial: the postmaster loads
     * certificates after it signals its backends, and keeps the old ones (logging why) when it
     * cannot load the new.
     */
    private void awaitServed(java.math.BigInteger serial) throws IOException {
        Instant deadline = clock.instant().plus(Duration.ofSeconds(5));
        java.math.BigInteger served = null;
        while (clock.instant().isBefore(deadline)) {
            served = ServedCertificate.serial(options.host(), options.port(), tls.caFile());
            if (serial.equals(served)) {
                return;
            }
            sleep(Duration.ofMillis(50));
        }
        throw new IOException("postgres still serves certificate " + served.toString(16) + " after the reload, not the"
                + " new " + serial.toString(16) + "; see its log (pgset logs " + options.pod() + ")");
    }

    /** How the instance API renews its certificate, and when it is first due. */
    public void renewApiCertificate(Instant due, java.util.concurrent.Callable<Instant> renew) {
        this.apiRenewal = renew;
        this.apiRenewAt = due;
    }

    /** Checks twice a minute whether the certificates are due (two thirds into their validity). */
    private void renewCertificatesForever() {
        while (!stopping) {
            sleep(Duration.ofSeconds(30));
            if (stopping) {
                return;
            }
            try {
                if (started && spec.tls().enabled() && tls.due(clock.instant())) {
                    renewCertificates();
                } else if (!clock.instant().isBefore(apiRenewAt)) {
                    apiRenewAt = apiRenewal.call();
                    log("instance API certificate renewed");
                }
            } catch (Exception e) {
                log("certificate renewal failed, retrying in 30 s: " + e.getMessage());
            }
        }
    }

    public Secrets secrets() {
        return secrets;
    }

    private void superviseForever() {
        Duration backoff = Duration.ofMillis(250);
        while (!stopping) {
            if (held.isPresent()) {
                message = held.get();
                sleep(Duration.ofMillis(100));
                continue;
            }
            try {
                runPostgresUntilExit();
                backoff = Duration.ofMillis(250);
            } catch (IOException | SQLException | RuntimeException e) {
                message = e.getMessage();
                log("failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopping) {
                return;
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** One life of postgres: prepare, start, bootstrap if new, then wait until it exits. */
    private void runPostgresUntilExit() throws IOException, SQLException, InterruptedException {
        Process process;
        synchronized (startGate) {
            // Checked under the gate that hold() and close() take: a hold that came while this
            // thread waited for the gate keeps postgres stopped.
            if (held.isPresent() || stopping) {
                return;
            }
            process = prepareAndStart();
        }
        if (stopping) { // close() ran while postgres was being started, and saw none to stop
            stopNow(process);
            return;
        }
        awaitConnections(process);
        superviseUntilExit(process);
    }

    /** Data, configuration and the postgres process, under the start gate. */
    private Process prepareAndStart() throws IOException {
        prepareTls(newestSpec());
        data.ensure(secrets);
        Optional<InstanceOptions.Endpoint> follow = upstream;
        if (follow.isPresent() && !data.isStandby()) {
            message = "rejoining as a replica of " + follow.get();
            checkpoint(follow.get());
            log("former primary data, asked to follow " + follow.get() + ": " + data.rejoin(follow.get()));
        }
        if (follow.isEmpty() && data.isStandby()) {
            log("standby data and no upstream yet: starting as a standby that waits for a primary");
        }
        writeConfig(follow);
        Process process = new ProcessBuilder(tools.command("postgres", "-D", options.pgdata().toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
        postgres = process;
        log("postgres started (pid " + process.pid() + (follow.isPresent() ? ", following " + follow.get() : "") + ")");
        return process;
    }

    /**
     * A just-promoted primary reports its new timeline in pg_control only after its end-of-recovery
     * checkpoint; pg_rewind reads it from there, and would otherwise see "the same timeline" and
     * wrongly decide that no rewind is needed.
     */
    private void checkpoint(InstanceOptions.Endpoint primary) throws IOException {
        try (var c = session(primary.host(), primary.port()).open("postgres");
             var s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new IOException("cannot checkpoint the new primary " + primary + " before pg_rewind: " + e.getMessage(), e);
        }
    }

    private void superviseUntilExit(Process process) throws IOException, SQLException, InterruptedException {
        if (!data.bootstrapped()) {
            new Bootstrap(session(options.host(), options.port()),
                    options.spec().bootstrap().initdb(), secrets, options.initSql()).run();
            data.markBootstrapped();
            log("bootstrap complete: database " + options.spec().bootstrap().initdb().database());
        }
        started = true;
        downSince = null;
        message = "";
        int exit = process.waitFor();
        postgres = null;
        downSince = clock.instant();
        if (restarting) {
            restarting = false;
            log("postgres stopped for a restart");
        } else if (!stopping) {
            restarts.incrementAndGet();
            message = "postgres exited with code " + exit + "; restarting";
            log(message);
        }
    }

    private void awaitConnections(Process process) throws SQLException, InterruptedException, IOException {
        SQLException last = null;
        Instant deadline = clock.instant().plus(Duration.ofMinutes(10));
        while (clock.instant().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("postgres exited with code " + process.exitValue() + " while starting; see the log");
            }
            try (var c = session(options.host(), options.port()).open("postgres")) {
                return;
            } catch (SQLException e) {
                last = e; // still starting up or in crash recovery
                message = "waiting for postgres to accept connections: " + e.getMessage();
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new SQLException("postgres did not accept connections within 10 minutes", last);
    }

    /** Startup probe: bootstrap finished and postgres accepted a connection at least once. */
    public boolean started() {
        return started;
    }

    /** Liveness: postgres runs, or has been down only briefly (being restarted). */
    public boolean live() {
        Instant since = downSince;
        return since == null || Duration.between(since, clock.instant()).compareTo(LIVENESS_GRACE) < 0;
    }

    public InstanceStatus status() {
        String expires = spec.tls().enabled() ? tls.expires().map(Instant::toString).orElse("") : "";
        return postgresStatus().withCertificateExpires(expires);
    }

    private InstanceStatus postgresStatus() {
        Process p = postgres;
        if (p == null || !p.isAlive() || !started) {
            return new InstanceStatus(options.pod(), Role.UNKNOWN, started, false, 0, 0, null, null, false,
                    data.volumeBytes(), restarts.get(), message.isEmpty() ? "postgres is not running" : message,
                    upstreamText());
        }
        return statusReader.read(p.pid(), restarts.get(), upstreamText())
                .withConfig(specVersion, statusReader.pendingRestart(settings));
    }

    private String upstreamText() {
        return upstream.map(InstanceOptions.Endpoint::toString).orElse("");
    }

    /**
     * The timeline another postgres of the cluster writes on if it is a primary; empty when it is
     * in recovery. Timelines only grow with promotions, so of two primaries the one on the higher
     * timeline was promoted later.
     */
    public java.util.OptionalLong primaryTimeline(InstanceOptions.Endpoint other) throws SQLException {
        try (var c = session(other.host(), other.port()).open("postgres");
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN 0"
                     + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END")) {
            rs.next();
            return rs.getBoolean(1) ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(rs.getLong(2));
        }
    }

    /** The standbys streaming from this primary that reported within the last few seconds, by pod name. */
    public List<String> answeringStandbys() throws SQLException {
        return statusReader.answeringStandbys();
    }

    /** Makes the primary keep exactly these pgset slots (others of this cluster's are dropped). */
    public List<String> ensureSlots(List<String> wanted) throws SQLException {
        String prefix = options.spec().slotName(0).replaceAll("_0$", "_");
        return statusReader.ensureSlots(wanted, prefix);
    }

    /**
     * Loads the current spec: reads it again, rewrites the configuration, and reloads postgres,
     * returning once postgres has read the files. Parameters that need a restart then show in
     * {@link #status()} as pending; an invalid spec file changes nothing and is reported.
     */
    public void reload() throws IOException, SQLException {
        synchronized (startGate) {
            String before = specVersion;
            writeConfig(upstream);
            statusReader.reload();
            if (!before.equals(specVersion)) {
                log("configuration reloaded (spec " + before + " -> " + specVersion + ")");
            }
        }
    }

    /**
     * The spec file as it is now. An invalid spec file fails a reload (the caller hears why); a
     * start goes on with the last good spec rather than not at all.
     */
    private ClusterSpec newestSpec() throws IOException {
        ClusterSpec wanted = spec;
        if (options.specFile().isPresent()) {
            try {
                wanted = SpecReader.read(options.specFile().get());
            } catch (SpecException e) {
                String why = "the spec file is invalid, keeping spec " + SpecReader.version(spec) + ": "
                        + String.join("; ", e.problems());
                if (started) {
                    throw new IOException(why, e);
                }
                log(why);
            }
        }
        return wanted;
    }

    /** Writes postgresql.conf and pg_hba.conf (and the certificates they name) from the newest spec. */
    private void writeConfig(Optional<InstanceOptions.Endpoint> follow) throws IOException {
        ClusterSpec wanted = newestSpec();
        prepareTls(wanted);
        settings = data.writeConfig(wanted, follow);
        spec = wanted;
        specVersion = SpecReader.version(wanted);
    }

    /** Promotes this replica; returns once postgres accepts writes. */
    public void promote() throws SQLException {
        statusReader.promote();
        upstream = Optional.empty();
        log("promoted to primary");
    }

    /**
     * Streams from another primary from now on. A standby just reloads its new primary_conninfo
     * (no restart); a former primary is stopped, rewound and started as a standby.
     */
    public void follow(InstanceOptions.Endpoint primary) throws IOException, SQLException {
        upstream = Optional.of(primary);
        if (data.isStandby()) {
            synchronized (startGate) { // configuration files have one writer at a time
                writeConfig(upstream);
                statusReader.reload();
            }
            log("following " + primary + " (configuration reloaded)");
        } else {
            log("demoting: stopping postgres to rejoin as a replica of " + primary);
            restart();
        }
    }

    /**
     * The first half of a switchover, on the primary: stops postgres cleanly (its walsenders send
     * every last record, up to the shutdown checkpoint, to the connected replicas), marks the data
     * a standby of {@code newPrimary}, and lets it start again as one. Nothing was written after
     * the shutdown checkpoint, so no rewind is needed.
     *
     * @return the shutdown checkpoint's LSN, which the new primary must have received before it
     *         is promoted
     */
    public String demote(InstanceOptions.Endpoint newPrimary) throws IOException {
        synchronized (startGate) {
            Process p = postgres;
            if (p == null || !p.isAlive() || data.isStandby()) {
                throw new IOException(options.pod() + " is not a running primary; nothing to demote");
            }
            log("demoting for a switchover to " + newPrimary + ": fast shutdown");
            restarting = true;
            started = false;
            tools.run(Duration.ofSeconds(90), "pg_ctl", "stop", "-D", options.pgdata().toString(), "-m", "fast", "-w");
            String checkpoint = data.shutdownCheckpoint();
            data.markStandby();
            upstream = Optional.of(newPrimary);
            log("stopped at shutdown checkpoint " + checkpoint + "; starting again as a replica of " + newPrimary);
            return checkpoint;
        }
    }

    /**
     * Fences this instance: postgres is stopped at once (immediate shutdown: no new write gets in
     * while a checkpoint is written) and is not started again until {@link #release}. For a
     * primary that lost touch with everyone who could tell it that another was promoted.
     */
    public void hold(String why) throws IOException {
        synchronized (startGate) {
            held = Optional.of(why);
            message = why;
            Process p = postgres;
            if (p == null || !p.isAlive()) {
                log("kept stopped: " + why);
                return;
            }
            log("stopping postgres at once and keeping it stopped: " + why);
            restarting = true;
            started = false;
            try {
                tools.run(Duration.ofSeconds(10), "pg_ctl", "stop", "-D", options.pgdata().toString(), "-m", "immediate",
                        "-w");
            } catch (IOException e) {
                log("immediate shutdown failed (" + e.getMessage() + "); killing the postmaster");
                p.destroyForcibly();
            }
        }
    }

    /**
     * Lets postgres start again after {@link #hold}: as the primary it was, or, when another was
     * promoted meanwhile, as a replica of it (a former primary's data is rewound first).
     */
    public void release(Optional<InstanceOptions.Endpoint> follow, String why) {
        synchronized (startGate) {
            if (held.isEmpty()) {
                return;
            }
            follow.ifPresent(primary -> upstream = Optional.of(primary));
            restarting = false; // the stop was the hold's, whenever it came
            held = Optional.empty();
            log("starting postgres again: " + why);
        }
    }

    private void stopNow(Process process) {
        try {
            tools.run(Duration.ofSeconds(10), "pg_ctl", "stop", "-D", options.pgdata().toString(), "-m", "fast", "-w");
        } catch (IOException e) {
            process.destroyForcibly();
        }
    }

    /** Whether the data on the volume is a standby's (a replica, or a primary demoted for a switchover). */
    public boolean standbyData() {
        return data.isStandby();
    }

    /** The spec the instance runs now. */
    public ClusterSpec spec() {
        return spec;
    }

    /** Whether postgres is kept stopped by {@link #hold}. */
    public boolean held() {
        return held.isPresent();
    }

    /** Stops postgres cleanly; the supervising loop starts it again with the current configuration. */
    public void restart() throws IOException {
        Process p = postgres;
        if (p == null || !p.isAlive()) {
            return;
        }
        restarting = true;
        started = false;
        tools.run(Duration.ofSeconds(90), "pg_ctl", "stop", "-D", options.pgdata().toString(), "-m", "fast", "-w");
    }

    @Override
    public void close() {
        stopping = true;
        Process p = postgres;
        if (p != null && p.isAlive()) {
            log("stopping postgres (fast shutdown)");
            try {
                tools.run(Duration.ofSeconds(90), "pg_ctl", "stop", "-D", options.pgdata().toString(), "-m", "fast", "-w");
            } catch (IOException e) {
                log("fast shutdown failed (" + e.getMessage() + "); killing postgres");
                p.destroyForcibly();
            }
        }
        supervisor.interrupt();
        renewal.interrupt();
        statusReader.close();
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private void log(String what) {
        System.out.println(Instant.now(clock) + " pod=" + options.pod() + " " + what);
    }
}
