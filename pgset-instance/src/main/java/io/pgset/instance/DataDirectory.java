package io.pgset.instance;

import io.pgset.core.config.HbaRenderer;
import io.pgset.core.config.InstanceConfig;
import io.pgset.core.config.PostgresConfRenderer;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    static final String CLONE_STAGING = "pgdata.clone";
    static final String BROKEN_PREFIX = "pgdata.broken-";
    static final String REWINDING = "rewinding";
    /**
     * Written by earlier versions of pgset once bootstrap had finished; still honoured (see
     * {@link Bootstrap#complete}).
     */
    static final String LEGACY_MARKER = "bootstrapped";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final InstanceOptions options;
    /** postgres's log files on this volume, within the limits this process was started with. */
    private final PostgresLogs logs;
    private final Tools tools;
    private final PostgresUser user;
    private final Clock clock;
    private final Function<InstanceOptions.Endpoint, PostgresSession> sessions;
    private final InstanceLog log;
    private final ReplicaRestore replicaRestore;

    private volatile Optional<InstanceConfig.Tls> tls = Optional.empty();
    /** Whether this process has seen a database on the volume (then an empty volume is never initdb'd). */
    private volatile boolean databaseSeen;
    /** Counts the times PGDATA was made or replaced by this process (initdb, clone, rewind, move aside). */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    /** How this process last cloned the replica's data; null before it did. */
    private volatile InstanceStatus.Clone lastClone;

    DataDirectory(InstanceOptions options, Tools tools, PostgresUser user, Clock clock,
                  Function<InstanceOptions.Endpoint, PostgresSession> sessions, InstanceLog log) {
        this.logs = new PostgresLogs(options.volume(), LogLimits.of(System.getProperties()));
        this.options = options;
        this.tools = tools;
        this.user = user;
        this.clock = clock;
        this.sessions = sessions;
        this.log = log;
        this.replicaRestore = new ReplicaRestore(options, new PgBackRest(options, user, tools, log), tools, user);
    }

    /** The certificate files connections use from now on; empty while TLS is off. */
    void useTls(Optional<InstanceConfig.Tls> files) {
        this.tls = files;
    }

    /** libpq TLS settings: verify the peer against the cluster CA, and show the replication certificate when asked. */
    private String tlsConninfo(boolean clientCertificate) {
        return tls.map(t -> " sslmode=verify-full sslrootcert=" + PostgresConfRenderer.libpqQuote(t.ca())
                + (clientCertificate ? " sslcert=" + PostgresConfRenderer.libpqQuote(t.clientCertificate())
                        + " sslkey=" + PostgresConfRenderer.libpqQuote(t.clientKey()) : ""))
                .orElse(" sslmode=disable");
    }

    /** How this process last cloned the replica's data (for its status); null before it did. */
    InstanceStatus.Clone lastClone() {
        return lastClone;
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
    String prepare(Secrets secrets, Optional<InstanceOptions.Endpoint> upstream, PostgresProcess postgres)
            throws IOException {
        user.volumeRoot(options.volume());
        user.privateFile(replicationPassfile(),
                "*:*:*:" + HbaRenderer.REPLICATION_USER + ":" + escape(secrets.replicationPassword()) + "\n");
        user.privateFile(superuserPassfile(), "*:*:*:postgres:" + escape(secrets.superuserPassword()) + "\n");
        removeUnfinishedStaging();
        DataRules.Found found = inspect();
        OptionalLong upstreamIdentifier = upstream.isPresent() && found.kind() != DataRules.Kind.EMPTY
                ? systemIdentifier(upstream.get()) : OptionalLong.empty();
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
        if (step instanceof DataRules.Step.Start) {
            return "starting on the data in " + options.pgdata();
        } else if (step instanceof DataRules.Step.Initdb) {
            initdb(secrets);
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

    private void removeUnfinishedStaging() throws IOException {
        for (String staging : List.of(INITDB_STAGING, CLONE_STAGING, Restore.STAGING)) {
            Path dir = options.volume().resolve(staging);
            if (Files.exists(dir)) {
                log.info("removing " + dir + ": pgset staged it and it never completed, so it holds nothing to lose");
                deleteRecursively(dir);
            }
        }
    }

    /** The upstream's system identifier; empty when it cannot be asked now (pg_rewind checks it again). */
    private OptionalLong systemIdentifier(InstanceOptions.Endpoint upstream) {
        try (Connection c = sessions.apply(upstream).open("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            return OptionalLong.of(Long.parseUnsignedLong(rs.getString(1)));
        } catch (SQLException e) {
            log.info("cannot ask " + upstream + " for its system identifier: " + e.getMessage());
            return OptionalLong.empty();
        }
    }

    private void initdb(Secrets secrets) throws IOException {
        Path staging = options.volume().resolve(INITDB_STAGING);
        log.info("initdb " + staging);
        Path pwfile = options.volume().resolve("initdb.pw");
        user.privateFile(pwfile, secrets.superuserPassword() + "\n");
        try {
            List<String> args = new ArrayList<>(List.of("-D", staging.toString(), "-U", "postgres",
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"));
            if (options.spec().bootstrap().initdb().dataChecksums()) {
                args.add("--data-checksums");
            }
            tools.run(Duration.ofMinutes(5), "initdb", args.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(pwfile);
        }
        replaceEmptyPgdata(staging);
    }

    private String restore(Secrets secrets) throws IOException {
        try {
            return new Restore(options, options.restoreSource().orElseThrow(), tools, user, log).run(secrets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restoring", e);
        }
    }

    /**
     * Makes a replica's data anew in the clone staging directory, renamed to {@code pgdata} when
     * complete: restored from the backup repository when it holds a backup of this system (see
     * {@link ReplicaRestore}), else copied from the upstream by pg_basebackup. A restore that
     * fails leaves only its own staging directory, which is removed before pg_basebackup.
     *
     * @return how it was cloned, for the log
     */
    private String cloneFrom(InstanceOptions.Endpoint upstream) throws IOException {
        Path staging = options.volume().resolve(CLONE_STAGING);
        long start = System.nanoTime();
        ReplicaRestore.Result restored = replicaRestore.restore(options.spec(),
                () -> systemIdentifier(upstream).stream().mapToObj(Long::toUnsignedString).findFirst(), staging);
        InstanceStatus.Clone clone;
        if (restored.backup().isPresent()) {
            clone = new InstanceStatus.Clone(InstanceStatus.Clone.Method.REPOSITORY, restored.backup().get(),
                    seconds(start), "", "", false);
        } else {
            if (restored.failed()) {
                log.warn("restoring from the backup repository failed, cloning with pg_basebackup instead: "
                        + restored.whyNot());
                if (Files.exists(staging)) {
                    deleteRecursively(staging); // the restore's own, never complete
                }
            } else {
                log.info("cloning with pg_basebackup: " + restored.whyNot());
            }
            start = System.nanoTime();
            baseBackup(upstream, staging);
            clone = new InstanceStatus.Clone(InstanceStatus.Clone.Method.PG_BASEBACKUP, "", seconds(start), "",
                    (restored.failed() ? "restore from the repository failed: " : "") + restored.whyNot(),
                    restored.failed());
        }
        markStandby(staging);
        replaceEmptyPgdata(staging);
        clone = new InstanceStatus.Clone(clone.method(), clone.backup(), clone.seconds(), clock.instant().toString(),
                clone.whyNotRepository(), clone.restoreFailed());
        lastClone = clone;
        return clone.method() == InstanceStatus.Clone.Method.REPOSITORY
                ? String.format(Locale.ROOT, "restored backup %s from the repository in %.1f s; WAL since then comes"
                        + " from the archive and %s", clone.backup(), clone.seconds(), upstream)
                : String.format(Locale.ROOT, "cloned from %s with pg_basebackup in %.1f s", upstream, clone.seconds());
    }

    private void baseBackup(InstanceOptions.Endpoint upstream, Path staging) throws IOException {
        log.info("cloning from " + upstream);
        String conninfo = "host=" + upstream.host() + " port=" + upstream.port() + " user="
                + HbaRenderer.REPLICATION_USER + " passfile=" + replicationPassfile() + tlsConninfo(true)
                + " connect_timeout=5";
        tools.run(Duration.ofHours(6), "pg_basebackup", "-d", conninfo, "-D", staging.toString(),
                "-X", "stream", "-S", options.spec().slotName(options.ordinal()), "-c", "fast", "--no-password");
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Renames a completed staging directory to {@code pgdata}, which is absent or an empty directory. */
    private void replaceEmptyPgdata(Path staging) throws IOException {
        Path pgdata = options.pgdata();
        if (Files.exists(pgdata)) {
            Files.delete(pgdata); // fails unless it is empty: nothing is lost
        }
        DurableFiles.move(staging, pgdata);
    }

    /**
     * Turns a former primary's data into a replica of {@code upstream}: pg_rewind winds back what
     * it wrote after the two diverged (it runs crash recovery first if the old primary died). The
     * {@code rewinding} file marks the data inconsistent while pg_rewind works, so that a crash
     * then leads to a fresh clone, never to starting half-rewound data. When pg_rewind fails the
     * data is moved aside and cloned anew.
     *
     * @return how it rejoined, for the log and the events
     */
    private String rewind(InstanceOptions.Endpoint upstream, PostgresProcess postgres) throws IOException {
        checkpoint(upstream);
        postgres.awaitNoPostmaster(Duration.ofSeconds(30));
        String source = "host=" + upstream.host() + " port=" + upstream.port() + " user=postgres dbname=postgres"
                + " passfile=" + superuserPassfile() + tlsConninfo(false) + " connect_timeout=5";
        Path marker = options.volume().resolve(REWINDING);
        DurableFiles.write(marker, "pg_rewind from " + upstream + " began " + clock.instant() + "\n");
        try {
            tools.run(Duration.ofHours(1), "pg_rewind", "--target-pgdata=" + options.pgdata(),
                    "--source-server=" + source);
        } catch (IOException rewindFailed) {
            if (beforeAnyChange(rewindFailed.getMessage())) {
                DurableFiles.delete(marker); // pg_rewind stopped before it wrote: the data is as it was
                throw new IOException("pg_rewind could not begin (" + rewindFailed.getMessage() + "); the data is"
                        + " untouched and the rewind is tried again", rewindFailed);
            }
            Path kept = moveAside("pg_rewind failed: " + rewindFailed.getMessage());
            String cloned = cloneFrom(upstream);
            return "pg_rewind failed (" + rewindFailed.getMessage() + "); the data was moved aside to " + kept
                    + "; " + cloned;
        }
        markStandby(options.pgdata());
        DurableFiles.delete(marker);
        return "rewound with pg_rewind";
    }

    /**
     * A just-promoted primary reports its new timeline in pg_control only after its end-of-recovery
     * checkpoint; pg_rewind reads it from there, and would otherwise see "the same timeline" and
     * wrongly decide that no rewind is needed.
     */
    private void checkpoint(InstanceOptions.Endpoint primary) throws IOException {
        try (Connection c = sessions.apply(primary).open("postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    // pg_rewind would refuse it anyway; this data is the newest copy there may be of some
                    // commits, and is left as it is until the upstream is a primary.
                    throw new IOException(primary + " is not a primary (yet); pg_rewind waits for one");
                }
            }
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new IOException("cannot checkpoint the new primary " + primary + " before pg_rewind: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a pg_rewind failure happened before it changed the target: it could not reach the
     * source, or one of its checks refused. Only a failure after that leaves the data inconsistent.
     */
    static boolean beforeAnyChange(String failure) {
        String text = failure == null ? "" : failure;
        return List.of("could not connect", "connection to server", "must not be in recovery mode",
                "must be shut down cleanly")
                .stream().anyMatch(text::contains) && !text.contains("servers diverged");
    }

    /** Keeps {@code pgdata} at {@code pgdata.broken-<time>}; returns where. */
    private Path moveAside(String why) throws IOException {
        Path kept = options.volume().resolve(BROKEN_PREFIX + STAMP.format(clock.instant()));
        for (int n = 2; Files.exists(kept); n++) {
            kept = options.volume().resolve(BROKEN_PREFIX + STAMP.format(clock.instant()) + "-" + n);
        }
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
        markStandby(options.pgdata());
    }

    private void markStandby(Path pgdata) throws IOException {
        Path signal = pgdata.resolve("standby.signal");
        DurableFiles.write(signal, new byte[0], DurableFiles.PRIVATE, user::own);
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
        InstanceConfig config = new InstanceConfig(options.pod(), options.host(), options.port(), upstream, tls);
        Path pgdata = options.pgdata();
        if (!Files.exists(pgdata.resolve("global/pg_control"))) {
            // Writing would create a pgdata of two files, which the next start could not tell from garbage.
            throw new IOException("no data directory in " + options.volume() + " yet; configuration not written");
        }
        user.privateDirectory(logs.directory());
        Map<String, String> runtime = new LinkedHashMap<>(logs.settings());
        runtime.putAll(archive);
        Map<String, String> settings = PostgresConfRenderer.settings(spec, config, runtime);
        user.privateFile(pgdata.resolve("postgresql.conf"), PostgresConfRenderer.render(config, settings));
        user.privateFile(pgdata.resolve("pg_hba.conf"), HbaRenderer.render(spec, options.peers()));
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

    /** Only for directories pgset staged itself (see {@link DataRules}). */
    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        DurableFiles.syncDirectory(dir.getParent());
    }

    /** The data on the volume must not be touched; the message says why and what to do. */
    static final class DataRefusedException extends IOException {
        DataRefusedException(String message) {
            super(message);
        }
    }
}
