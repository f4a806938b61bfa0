package io.pgset.instance;

import io.pgset.core.model.BackupReport;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One instance: its postgres, kept alive by the {@link Supervisor}; its role, changed through
 * {@link RoleChanges}; its periodic work (certificates, volume usage) done by the
 * {@link Housekeeper}; and what the instance API asks of it (probes, status, slots, reload).
 */
public final class InstanceManager implements AutoCloseable {

    private static final Duration CERTIFICATE_CHECK = Duration.ofSeconds(30);
    private static final Duration VOLUME_MEASURE = Duration.ofSeconds(5);
    /** postgres starts a new log file at a size; between two prunes at most a few more pile up. */
    private static final Duration LOG_PRUNE = Duration.ofSeconds(5);
    /** How often a primary checks that its archive's stanza exists (a no-op once it was created). */
    private static final Duration STANZA_CHECK = Duration.ofSeconds(10);
    /** How old a status the metrics sampler takes rather than reading its own. */
    private static final Duration RECENT = Duration.ofSeconds(2);

    private final InstanceOptions options;
    private final Clock clock;
    private final InstanceLog log;
    private final Secrets secrets;
    private final InstanceTls tls;
    private final DataDirectory data;
    private final ConfigWriter config;
    private final PgBackRest pgBackRest;
    private final VolumeUsage volume;
    private final StatusReader statusReader;
    private final PostgresProcess postgres;
    private final Supervisor supervisor;
    private final RoleChanges roles;
    private final Housekeeper housekeeper;
    private final PrimaryDuties primary;
    private final PostgresLogForwarder postgresLog;
    private final InstanceBackups backups;
    private final io.pgset.instance.metrics.InstanceMetrics metrics;

    /** The instance API's TLS, whose certificate the housekeeper renews when due; empty until the API serves. */
    private volatile Optional<ApiTls.ServerTls> apiTls = Optional.empty();
    private final RecentStatus statuses = new RecentStatus(this::readStatus, RECENT);

    public InstanceManager(InstanceOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.log = new InstanceLog(options.spec().name(), options.pod());
        PostgresUser user = PostgresUser.current();
        Tools tools = new Tools(Path.of(options.spec().postgres().binDir()), user);
        this.secrets = Secrets.read(options.secrets());
        this.tls = new InstanceTls(options, user, clock);
        this.data = new DataDirectory(options, tools, user, clock, this::session, log);
        this.pgBackRest = new PgBackRest(options, user, tools, log);
        this.config = new ConfigWriter(options, data, tls, log, pgBackRest);
        this.volume = new VolumeUsage(options.volume(), data::keptCopies, () -> config.spec().storage());
        this.statusReader = new StatusReader(session(self()), options.pod(), volume::usedBytes);
        this.postgres = new PostgresProcess(tools, options.pgdata(), log);
        this.housekeeper = new Housekeeper(options.pod(), log);
        this.primary = new PrimaryDuties(options, secrets, data, config, pgBackRest, housekeeper, session(self()),
                this::bootstrapping, this::runningPrimary);
        this.supervisor = new Supervisor(options, clock, log, data, postgres, config, volume,
                primary::ensureBootstrapped, secrets, this::session, statusReader::adopt);
        this.roles = new RoleChanges(supervisor, postgres, data, config, statusReader, log);
        this.postgresLog = new PostgresLogForwarder(data.logs(), options, clock, log, LogStream::println);
        this.backups = new InstanceBackups(pgBackRest, user, options, log, clock);
        this.metrics = new io.pgset.instance.metrics.InstanceMetrics(options.spec().name(), options.pod(), statuses::recent,
                database -> session(self()).open(database), options.spec().bootstrap().initdb().database(),
                log::warn);
    }

    public void start() {
        // The periodic rounds begin one period after the start, when there is something to look at;
        // each time postgres runs, the volume is measured and the metrics sampled at once, so their
        // figures are not a period stale then.
        supervisor.whenRunning(() -> {
            housekeeper.soon("measuring the volume", volume::measure);
            metrics.sampleSoon();
        });
        supervisor.start();
        housekeeper.every(VOLUME_MEASURE, "measuring the volume", volume::measure);
        housekeeper.every(CERTIFICATE_CHECK, "certificate renewal", this::renewWhenDue);
        housekeeper.every(LOG_PRUNE, "pruning postgres's log files", data.logs()::prune);
        postgresLog.start();
        housekeeper.every(STANZA_CHECK, "creating the pgBackRest stanza", primary::ensureStanza);
        metrics.start();
    }

    private void bootstrapping(String what) {
        supervisor.enter(Lifecycle.BOOTSTRAPPING, what);
    }

    /** Whether this instance runs as a primary now: started, postgres running, no standby data. */
    private boolean runningPrimary() {
        return supervisor.state().started() && postgres.running().isPresent() && !data.isStandby();
    }

    private InstanceOptions.Endpoint self() {
        return new InstanceOptions.Endpoint(options.host(), options.port());
    }

    /**
     * A superuser session to a postgres of this cluster, verified against the cluster CA while TLS is
     * on; to this instance's own postgres on its Unix socket when it has one.
     */
    private PostgresSession session(InstanceOptions.Endpoint to) {
        Optional<java.nio.file.Path> socket = to.equals(self())
                ? PostgresSocket.directory(options).map(dir -> PostgresSocket.file(dir, options.port()))
                : Optional.empty();
        return new PostgresSession(to.host(), to.port(), secrets.superuserPassword(),
                () -> config.tlsOn() ? Optional.of(tls.caFile()) : Optional.empty(), socket);
    }

    /**
     * Runs {@code tell} each time this instance becomes ready after a start of postgres (see
     * {@link ReadyNotice}); {@code tell} must be quick and must not throw.
     */
    public void whenReady(Runnable tell) {
        supervisor.whenRunning(() -> ReadyNotice.watch(options.pod(), () -> status().ready(),
                () -> supervisor.state().started() && postgres.running().isPresent(), () -> {
                    log.info(data.isStandby() ? "ready: streaming from " + supervisor.upstream().map(Object::toString)
                            .orElse("the archive") : "ready: primary");
                    tell.run();
                }));
    }

    /** The instance's metrics, sampled on their own thread ({@code GET /metrics}). */
    public io.pgset.instance.metrics.InstanceMetrics metrics() {
        return metrics;
    }

    public Secrets secrets() {
        return secrets;
    }

    /** Startup probe: bootstrap finished and postgres accepts connections. */
    public boolean started() {
        return supervisor.state().started();
    }

    /** Liveness: postgres runs, or has been down only briefly, or waits for what a restart would not bring. */
    public boolean live() {
        return supervisor.state().live(clock.instant());
    }

    public InstanceStatus status() {
        return statuses.read();
    }

    private InstanceStatus readStatus() {
        Lifecycle.State state = supervisor.state();
        InstanceStatus.Storage storage = volume.storage();
        String expires = config.spec().tls().enabled() ? tls.expires().map(Instant::toString).orElse("") : "";
        String upstream = supervisor.upstream().map(InstanceOptions.Endpoint::toString).orElse("");
        Optional<Process> running = postgres.running();
        InstanceStatus status;
        if (running.isEmpty() || !state.started()) {
            String message = state.message().isEmpty() ? "postgres is not running" : state.message();
            status = new InstanceStatus(options.pod(), Role.UNKNOWN, state.started(), false, 0, 0, null, null, false,
                    volume.usedBytes(), supervisor.restarts(), message, upstream);
        } else {
            status = statusReader.read(running.get().pid(), supervisor.restarts(), upstream)
                    .withConfig(config.reportedVersion(), statusReader.pendingRestart(config.settings()));
        }
        boolean full = storage.full() || state.phase() == Lifecycle.VOLUME_FULL;
        if (full && state.phase() != Lifecycle.VOLUME_FULL) {
            status = status.withMessage("volume full: " + volume.describe()
                    + (status.message().isEmpty() ? "" : "; " + status.message()));
        }
        return status.withCertificateExpires(expires).withConfigRejected(config.rejected())
                .withStorage(new InstanceStatus.Storage(storage.freeBytes(), full, storage.keptCopies(),
                        storage.usedBytes(), storage.capacityBytes(), storage.alertPercent()))
                .withClone(data.lastClone());
    }


    /**
     * The timeline another postgres of the cluster writes on if it is a primary; empty when it is
     * in recovery. Timelines only grow with promotions, so of two primaries the one on the higher
     * timeline was promoted later.
     */
    public OptionalLong primaryTimeline(InstanceOptions.Endpoint other) throws SQLException {
        try (var c = session(other).open("postgres");
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN 0"
                     + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END")) {
            rs.next();
            return rs.getBoolean(1) ? OptionalLong.empty() : OptionalLong.of(rs.getLong(2));
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
        reload(Optional.empty());
    }

    /**
     * {@link #reload()}, with the spec the controller handed over, if any: it is loaded instead of
     * the spec file's, until the spec file changes ({@link ConfigWriter#hand}).
     */
    public void reload(Optional<ClusterSpec> handed) throws IOException, SQLException {
        new ConfigReload(config, statusReader, supervisor, log).reload(handed);
    }

    public void promote() throws SQLException {
        roles.promote();
        primary.afterPromotion();
    }

    public void follow(InstanceOptions.Endpoint primary) throws IOException, SQLException {
        roles.follow(primary);
    }

    public String demote(InstanceOptions.Endpoint newPrimary) throws IOException {
        return roles.demote(newPrimary);
    }

    public void restart() {
        roles.restart();
    }

    public void hold(String why) {
        roles.hold(why);
    }

    public void release(Optional<InstanceOptions.Endpoint> follow, String why) {
        roles.release(follow, why);
    }

    /** Whether postgres is kept stopped by {@link #hold}. */
    public boolean held() {
        return roles.held();
    }

    /** Whether the data on the volume is a standby's (a replica, or a primary demoted for a switchover). */
    public boolean standbyData() {
        return data.isStandby();
    }

    /** The spec the instance runs now. */
    public ClusterSpec spec() {
        return config.spec();
    }

    /** Starts a backup on this primary's own volume and returns at once ({@link InstanceBackups}). */
    BackupReport startBackup(RequestBodies.BackupRequest request) throws ApiServer.BadRequest, ApiServer.Conflict {
        return backups.start(config.spec(), status(), request);
    }

    /** The backup that runs or ran last; empty when none ran since this instance manager started. */
    Optional<BackupReport> lastBackup() {
        return backups.last();
    }

    /**
     * Issues new certificates now and has postgres load them with a reload: no restart, and
     * connections that are open stay open on the certificate they began with.
     */
    public Instant renewCertificates() throws IOException, SQLException {
        synchronized (supervisor.gate) {
            if (!config.spec().tls().enabled()) {
                throw new IOException("TLS is off for " + options.pod() + " (spec.tls.enabled: false); nothing to renew");
            }
            tls.ensure(config.spec(), true);
            Instant expires = tls.expires().orElseThrow();
            try {
                apiTls.ifPresent(ApiTls.ServerTls::renew);
            } catch (RuntimeException e) {
                throw new IOException("cannot renew the instance API's certificate: " + e.getMessage(), e);
            }
            if (started()) {
                statusReader.reload();
                awaitServed(tls.serial().orElseThrow());
            }
            log.info("certificates renewed, valid until " + expires + "; postgres reloaded them");
            return expires;
        }
    }

    /** The instance API's TLS: its certificate is renewed with the instance's, and on its own when due. */
    public void renewApiCertificate(ApiTls.ServerTls tls) {
        this.apiTls = Optional.of(tls);
    }

    /** The housekeeper's check: certificates two thirds into their validity are renewed. */
    private void renewWhenDue() throws Exception {
        if (started() && config.spec().tls().enabled() && tls.due(clock.instant())) {
            renewCertificates();
        } else if (apiTls.isPresent() && !clock.instant().isBefore(apiTls.get().renewAt())) {
            apiTls.get().renew();
            log.info("instance API certificate renewed");
        }
    }

    /**
     * Waits until new connections get the certificate with this serial: the postmaster loads
     * certificates after it signals its backends, and keeps the old ones (logging why) when it
     * cannot load the new.
     */
    private void awaitServed(BigInteger serial) throws IOException {
        BigInteger[] served = {null};
        try {
            if (Poll.until(Duration.ofSeconds(5), Duration.ofMillis(50), () -> serial.equals(
                    served[0] = ServedCertificate.serial(options.host(), options.port(), tls.caFile())))) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for postgres to serve the new certificate", e);
        }
        throw new IOException("postgres still serves certificate " + (served[0] == null ? "?" : served[0].toString(16))
                + " after the reload, not the new " + serial.toString(16) + "; see its log (pgset logs "
                + options.pod() + ")");
    }

    @Override
    public void close() {
        metrics.close();
        backups.close();
        housekeeper.close();
        postgresLog.close();
        supervisor.close();
        statusReader.close();
    }
}
