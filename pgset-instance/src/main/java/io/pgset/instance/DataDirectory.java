package io.pgset.instance;

import io.pgset.core.config.HbaRenderer;
import io.pgset.core.config.InstanceConfig;
import io.pgset.core.config.PostgresConfRenderer;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An instance's volume: brings a usable PGDATA into being by the rules of {@link DataRules}, and
 * writes the configuration pgset owns before each start.
 *
 * <p>On the volume: {@code pgdata/} (the data directory), {@code pgdata.initdb/},
 * {@code pgdata.clone/} and {@code pgdata.restore/} (staged by pgset, renamed into place only when complete),
 * {@code pgdata.broken-<time>/} (data that could not be used, kept for a person to look at),
 * {@code rewinding} (present while pg_rewind changes {@code pgdata}), {@code tls/} and the
 * password files libpq reads.
 */
final class DataDirectory {

    static final String INITDB_STAGING = "pgdata.initdb";
    static final String CLONE_STAGING = ReplicaClone.STAGING;
    static final String BROKEN_PREFIX = "pgdata.broken-";
    static final String REWINDING = Rewind.MARKER;
    /**
     * Written by earlier versions of pgset once bootstrap had finished; still honoured (see
     * {@link Bootstrap#complete}).
     */
    static final String LEGACY_MARKER = "bootstrapped";
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(5);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final InstanceOptions options;
    /** postgres's log files on this volume, within the limits this process was started with. */
    private final PostgresLogs logs;
    private final Tools tools;
    private final PostgresUser user;
    private final Clock clock;
    private final Upstream upstream;
    private final InstanceLog log;
    private final LibpqTls tls = new LibpqTls();
    private final ReplicaClone clone;
    private final Rewind rewind;
    private final FileSystemSync fileSync;

    /** Whether this process has seen a database on the volume (then an empty volume is never initdb'd). */
    private volatile boolean databaseSeen;
    /** Counts the times PGDATA was made or replaced by this process (initdb, clone, rewind, move aside). */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    DataDirectory(InstanceOptions options, Tools tools, PostgresUser user, Clock clock,
                  Function<InstanceOptions.Endpoint, PostgresSession> sessions, InstanceLog log) {
        this.logs = new PostgresLogs(options.volume(), LogLimits.of(System.getProperties()),
                LogLines.configured(System.getProperties(), System.getenv()));
        this.options = options;
        this.tools = tools;
        this.user = user;
        this.clock = clock;
        this.upstream = new Upstream(sessions, log);
        this.log = log;
        this.clone = new ReplicaClone(options, tools, user, clock, log, tls, replicationPassfile());
        this.rewind = new Rewind(options, tools, user, clock, sessions, tls, superuserPassfile());
        this.fileSync = new FileSystemSync(tools);
    }

    /** The certificate files connections use from now on; empty while TLS is off. */
    void useTls(Optional<InstanceConfig.Tls> files) {
        tls.use(files);
    }

    /** How this process last cloned the replica's data (for its status); null before it did. */
    InstanceStatus.Clone lastClone() {
        return clone.last();
    }

    PostgresLogs logs() {
        return logs;
    }

    /** Changes whenever PGDATA was made or replaced; what was learnt of the data before is then stale. */
    long generation() {
        return generation.get();
    }

    Path volume() {
        return options.volume();
    }

    boolean isStandby() {
        return Files.exists(options.pgdata().resolve("standby.signal"));
    }

    boolean legacyMarker() {
        return Files.exists(options.volume().resolve(LEGACY_MARKER));
    }

    Path replicationPassfile() {
        return options.volume().resolve("replication.pgpass");
    }

    /** pg_rewind reads the source's files through a superuser connection. */
    Path superuserPassfile() {
        return superuserPassfile(options.volume());
    }

    static Path superuserPassfile(Path volume) {
        return volume.resolve("superuser.pgpass");
    }

    /**
     * Makes PGDATA ready to start by the rules of {@link DataRules}.
     *
     * @param upstream the primary to follow; empty to start on its own
     * @return what was done, for the log
     * @throws DataRefusedException when the data must not be touched, saying why and what to do
     */
    String prepare(Secrets secrets, Optional<InstanceOptions.Endpoint> upstream, PostgresProcess postgres,
                   TlsReady tlsReady) throws IOException {
        user.volumeRoot(options.volume());
        user.privateFile(replicationPassfile(),
                "*:*:*:" + HbaRenderer.REPLICATION_USER + ":" + escape(secrets.replicationPassword()) + "\n");
        user.privateFile(superuserPassfile(), "*:*:*:postgres:" + escape(secrets.superuserPassword()) + "\n");
        boolean initdbAhead = InitdbAhead.takeOver(options.volume(), tools, fileSync,
                options.spec().bootstrap().initdb().dataChecksums(), secrets.superuserPassword(), INITDB_TIMEOUT, log);
        removeUnfinishedStaging(initdbAhead);
        DataRules.Found found = inspect();
        if (upstream.isPresent()) {
            tlsReady.await(); // the upstream is asked over TLS
        }
        OptionalLong upstreamIdentifier = upstream.isPresent() && found.kind() != DataRules.Kind.EMPTY
                ? this.upstream.systemIdentifier(upstream.get()) : OptionalLong.empty();
        if (found.kind() != DataRules.Kind.EMPTY) {
            databaseSeen = true;
        }
        // A new database only for a new cluster's first start: once this process has seen one here,
        // an empty volume means it was lost, not that the cluster is new.
        boolean mayInitdb = options.newDatabase() && !databaseSeen;
        DataRules.Step step = DataRules.decide(found, upstream, mayInitdb, options.restoreSource().isPresent(),
                upstreamIdentifier);
        if (!(step instanceof DataRules.Step.Start)) {
            generation.incrementAndGet();
        }
        if (!(step instanceof DataRules.Step.Initdb)) {
            if (initdbAhead) {
                removeUnfinishedStaging(false); // made ahead for a database this volume does not get
            }
            tlsReady.await(); // only initdb needs no certificate
        }
        if (step instanceof DataRules.Step.Start) {
            return "starting on the data in " + options.pgdata();
        } else if (step instanceof DataRules.Step.Initdb) {
            initdb(secrets, initdbAhead);
            databaseSeen = true;
            return "new database (initdb)";
        } else if (step instanceof DataRules.Step.Restore) {
            String restored = restore(secrets);
            databaseSeen = true;
            return restored;
        } else if (step instanceof DataRules.Step.Clone) {
            return cloneFrom(upstream.orElseThrow());
        } else if (step instanceof DataRules.Step.Rewind) {
            return rewind(upstream.orElseThrow(), postgres);
        } else if (step instanceof DataRules.Step.MoveAsideAndClone move) {
            Path kept = moveAside(move.why());
            String cloned = cloneFrom(upstream.orElseThrow());
            return "moved the data that could not be used aside to " + kept + " (" + move.why() + "); " + cloned;
        }
        throw new DataRefusedException("pod " + options.pod() + ", volume " + options.volume() + ": "
                + ((DataRules.Step.Refuse) step).why());
    }

    /** Waits until the instance's certificates are in place (see {@link Certificates}). */
    @FunctionalInterface
    interface TlsReady {
        void await() throws IOException;
    }

    /** What {@code pgdata} holds: pg_controldata is the judge of whether it is a database. */
    DataRules.Found inspect() throws IOException {
        Path pgdata = options.pgdata();
        boolean rewinding = Files.exists(options.volume().resolve(REWINDING));
        if (!Files.exists(pgdata) || isEmptyDirectory(pgdata)) {
            if (rewinding) {
                DurableFiles.delete(options.volume().resolve(REWINDING)); // it named data that is gone
            }
            return DataRules.Found.empty();
        }
        if (!Files.isRegularFile(pgdata.resolve("global/pg_control"))) {
            return new DataRules.Found(DataRules.Kind.UNREADABLE, OptionalLong.empty(), rewinding);
        }
        String control;
        try {
            control = controlData();
        } catch (IOException unreadable) {
            log.info("pg_controldata cannot read " + pgdata + ": " + unreadable.getMessage());
            return new DataRules.Found(DataRules.Kind.UNREADABLE, OptionalLong.empty(), rewinding);
        }
        OptionalLong identifier = controlField(control, "Database system identifier")
                .map(v -> OptionalLong.of(Long.parseUnsignedLong(v))).orElse(OptionalLong.empty());
        if (control.contains("CRC checksum does not match") || identifier.isEmpty()) {
            return new DataRules.Found(DataRules.Kind.UNREADABLE, identifier, rewinding);
        }
        DataRules.Kind kind = isStandby() ? DataRules.Kind.STANDBY_DATA : DataRules.Kind.PRIMARY_DATA;
        return new DataRules.Found(kind, identifier, rewinding);
    }

    /** What pg_controldata prints for pgdata: the one way this class reads pg_control. */
    private String controlData() throws IOException {
        return tools.output(Duration.ofSeconds(30), "pg_controldata", "-D", options.pgdata().toString());
    }

    private static Optional<String> controlField(String control, String name) {
        return control.lines().filter(l -> l.startsWith(name + ":"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst();
    }

    /**
     * Removes what pgset staged and never finished; with {@code keepInitdb}, all but the initdb
     * taken over from {@link InitdbAhead}.
     */
    private void removeUnfinishedStaging(boolean keepInitdb) throws IOException {
        for (String staging : List.of(INITDB_STAGING, CLONE_STAGING, Restore.STAGING)) {
            if (keepInitdb && staging.equals(INITDB_STAGING)) {
                continue;
            }
            Path dir = options.volume().resolve(staging);
            if (Files.exists(dir)) {
                log.info("removing " + dir + ": pgset staged it and it never completed, so it holds nothing to lose");
                StagedData.delete(dir);
            }
        }
    }

    /** @param madeAhead whether the staging directory holds a complete initdb from {@link InitdbAhead} */
    private void initdb(Secrets secrets, boolean madeAhead) throws IOException {
        Path staging = options.volume().resolve(INITDB_STAGING);
        if (!madeAhead) {
            log.info("initdb " + staging);
            Path pwfile = options.volume().resolve("initdb.pw");
            user.privateFile(pwfile, secrets.superuserPassword() + "\n");
            try {
                tools.run(INITDB_TIMEOUT, "initdb", InitdbAhead.arguments(staging, pwfile,
                        options.spec().bootstrap().initdb().dataChecksums(), fileSync).toArray(String[]::new));
            } finally {
                Files.deleteIfExists(pwfile);
            }
        }
        fileSync.sync(staging); // durable before it becomes pgdata
        StagedData.install(staging, options.pgdata());
    }

    private String restore(Secrets secrets) throws IOException {
        try {
            return new Restore(options, options.restoreSource().orElseThrow(), tools, user, log).run(secrets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restoring", e);
        }
    }

    private String cloneFrom(InstanceOptions.Endpoint upstream) throws IOException {
        return clone.from(upstream, () -> this.upstream.systemIdentifier(upstream).stream()
                .mapToObj(Long::toUnsignedString).findFirst());
    }

    /**
     * Turns a former primary's data into a replica of {@code upstream} with {@link Rewind}; when
     * pg_rewind fails after it began to change the data, the data is moved aside and cloned anew.
     *
     * @return how it rejoined, for the log and the events
     */
    private String rewind(InstanceOptions.Endpoint upstream, PostgresProcess postgres) throws IOException {
        Optional<String> failed = rewind.onto(upstream, postgres);
        if (failed.isEmpty()) {
            return "rewound with pg_rewind";
        }
        Path kept = moveAside("pg_rewind failed: " + failed.get());
        String cloned = cloneFrom(upstream);
        return "pg_rewind failed (" + failed.get() + "); the data was moved aside to " + kept + "; " + cloned;
    }

    /** Keeps {@code pgdata} at {@code pgdata.broken-<time>}; returns where. */
    private Path moveAside(String why) throws IOException {
        Path kept = options.volume().resolve(BROKEN_PREFIX + STAMP.format(clock.instant()));
        for (int n = 2; Files.exists(kept); n++) {
            kept = options.volume().resolve(BROKEN_PREFIX + STAMP.format(clock.instant()) + "-" + n);
        }
        // A postgres started on the new data gets a new key, and would not remove the old one's segment.
        LeftoverSharedMemory.releaseUnder(options.pgdata());
        DurableFiles.move(options.pgdata(), kept);
        DurableFiles.delete(options.volume().resolve(REWINDING)); // it named the data just moved
        log.warn("data moved aside to " + kept + " and kept: " + why + ". Look at it, and delete it once nothing in it"
                + " is needed");
        return kept;
    }

    /** Data directories moved aside on this volume, by name. */
    List<String> keptCopies() {
        try (Stream<Path> entries = Files.list(options.volume())) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(BROKEN_PREFIX)).sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Makes the (cleanly stopped) data start as a standby. */
    void markStandby() throws IOException {
        StagedData.markStandby(options.pgdata(), user);
    }

    /** The "Latest checkpoint location" pg_controldata reports: after a clean stop, the shutdown checkpoint. */
    String shutdownCheckpoint() throws IOException {
        return controlField(controlData(), "Latest checkpoint location")
                .orElseThrow(() -> new IOException("pg_controldata printed no checkpoint location"));
    }

    /** pg_control's database system identifier, in decimal; pgdata must hold a database. */
    String systemIdentifier() throws IOException {
        return controlField(controlData(), "Database system identifier")
                .orElseThrow(() -> new IOException("pg_controldata shows no system identifier for " + options.pgdata()));
    }

    /**
     * Writes postgresql.conf and pg_hba.conf from this spec; a replica also gets its upstream.
     *
     * @param follow  the primary to stream from, for an instance whose data is a standby's
     * @param archive what the archiving configuration adds to postgresql.conf (before the spec's
     *                parameters, of which only archive_timeout may name the same setting)
     */
    Map<String, String> writeConfig(ClusterSpec spec, Optional<InstanceOptions.Endpoint> follow,
                                    Map<String, String> archive) throws IOException {
        Optional<InstanceConfig.Upstream> upstream = follow.map(up -> new InstanceConfig.Upstream(up.host(), up.port(),
                HbaRenderer.REPLICATION_USER, replicationPassfile().toString(), spec.slotName(options.ordinal())));
        Optional<Path> socket = PostgresSocket.directory(options);
        InstanceConfig config = new InstanceConfig(options.pod(), options.host(), options.port(), upstream,
                tls.files(), socket.map(Path::toString));
        Path pgdata = options.pgdata();
        if (!Files.exists(pgdata.resolve("global/pg_control"))) {
            // Writing would create a pgdata of two files, which the next start could not tell from garbage.
            throw new IOException("no data directory in " + options.volume() + " yet; configuration not written");
        }
        user.privateDirectory(logs.directory());
        if (socket.isPresent()) {
            user.privateDirectory(socket.get());
        }
        Map<String, String> runtime = new LinkedHashMap<>(logs.settings());
        runtime.putAll(archive);
        runtime.putAll(fileSync.settings()); // the spec's parameters still win
        Map<String, String> settings = PostgresConfRenderer.settings(spec, config, runtime);
        user.privateFile(pgdata.resolve("postgresql.conf"), PostgresConfRenderer.render(config, settings));
        user.privateFile(pgdata.resolve("pg_hba.conf"), HbaRenderer.render(spec, options.peers(), socket.isPresent()));
        return settings;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** The data on the volume must not be touched; the message says why and what to do. */
    static final class DataRefusedException extends IOException {
        DataRefusedException(String message) {
            super(message);
        }
    }
}
