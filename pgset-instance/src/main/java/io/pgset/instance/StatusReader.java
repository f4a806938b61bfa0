package io.pgset.instance;

import io.pgset.core.model.ArchiveStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.PendingRestart;
import io.pgset.core.model.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Asks the instance's postgres what it is doing, over one kept superuser connection. */
final class StatusReader implements AutoCloseable {

    /**
     * Role, positions, timeline, streaming. A replica's timeline is the one its WAL receiver
     * streams on; while it has none (its primary just died, which is exactly when failover
     * compares replicas) the newest timeline history file in pg_wal tells which timeline it had
     * switched to, where the control file's checkpoint would tell an old one. The replay lag in
     * time is postgres_exporter's {@code pg_replication_lag}: zero when everything received is
     * replayed (an idle primary writes nothing to replay), else the age of the last replayed commit
     * (zero too until the replica has replayed one since it started: postgres does not know its age).
     * Then what clients do ({@link InstanceStatus.Activity}): client backends other than this
     * query's own, and commits summed over every database but this maintenance one, where pgset's
     * own status queries commit several times a second (postgres flushes these statistics at most
     * once a second, so a count may lag by that).
     */
    private static final String STATUS_SQL = """
            SELECT pg_is_in_recovery(),
                   CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text
                        ELSE pg_current_wal_lsn()::text END,
                   pg_last_wal_receive_lsn()::text,
                   CASE WHEN pg_is_in_recovery()
                        THEN greatest(coalesce((SELECT received_tli FROM pg_stat_wal_receiver), 0),
                                      (pg_control_checkpoint()).timeline_id,
                                      coalesce((SELECT max(('x' || substr(name, 1, 8))::bit(32)::int)
                                                  FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{8}[.]history$'), 0))
                        ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
                   EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
                   CASE WHEN NOT pg_is_in_recovery() THEN 0
                        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                        ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp())) END,
                   (SELECT count(*) FROM pg_stat_activity
                     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()),
                   (SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database
                     WHERE datname IS DISTINCT FROM current_database())
            """;

    /**
     * WAL archiving ({@link ArchiveStatus}): postgres's counters, the {@code .ready} files of
     * pg_wal/archive_status and the size of pg_wal, listed by postgres itself (its data directory
     * is its own, whoever runs the instance manager). One query, two small directory listings.
     */
    private static final String ARCHIVE_SQL = """
            SELECT a.archived_count, a.last_archived_wal, a.last_archived_time,
                   coalesce(extract(epoch FROM now() - a.last_archived_time), -1),
                   a.failed_count, a.last_failed_wal, a.last_failed_time,
                   r.waiting, r.oldest, w.bytes
              FROM pg_stat_archiver a,
                   (SELECT count(*) AS waiting, min(modification) AS oldest
                      FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') r,
                   (SELECT coalesce(sum(size), 0) AS bytes FROM pg_ls_waldir()) w
            """;

    private final PostgresSession session;
    private final String pod;
    private final java.util.function.LongSupplier volumeBytes;
    private Connection connection;

    StatusReader(PostgresSession session, String pod, java.util.function.LongSupplier volumeBytes) {
        this.session = session;
        this.pod = pod;
        this.volumeBytes = volumeBytes;
    }

    synchronized InstanceStatus read(long postgresPid, int restarts, String upstream) {
        long volume = volumeBytes.getAsLong();
        SQLException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return query(postgresPid, restarts, upstream, volume);
            } catch (SQLException e) {
                closeQuietly(); // a kept connection dies with every restart of postgres: try once more afresh
                failure = e;
            }
        }
        return new InstanceStatus(pod, Role.UNKNOWN, true, false, postgresPid, 0, null, null, false, volume,
                restarts, describe(failure), upstream);
    }

    /**
     * A failed status query in words: a postgres that does not accept connections (starting,
     * restarting) says so, without the driver's advice to check host names and TCP settings.
     */
    static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int advice = message.indexOf(". Check that");
        if (advice > 0) {
            message = message.substring(0, advice);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08") || state.equals("57P03")) {
            return "postgres does not accept connections yet (" + message + ")";
        }
        return "status query failed: " + message;
    }

    private InstanceStatus query(long postgresPid, int restarts, String upstream, long volume) throws SQLException {
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(STATUS_SQL)) {
            rs.next();
            boolean recovery = rs.getBoolean(1);
            boolean streaming = rs.getBoolean(5);
            Role role = recovery ? Role.REPLICA : Role.PRIMARY;
            boolean ready = !recovery || streaming;
            String why = ready ? "" : "not streaming from a primary";
            return new InstanceStatus(pod, role, true, ready, postgresPid, rs.getLong(4), rs.getString(2),
                    recovery ? rs.getString(3) : null, streaming, volume, restarts, why, recovery ? upstream : "")
                    .withLagSeconds(rs.getDouble(6)).withArchive(archive())
                    .withActivity(new InstanceStatus.Activity(rs.getInt(7), rs.getLong(8)));
        }
    }

    private ArchiveStatus archive() throws SQLException {
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(ARCHIVE_SQL)) {
            rs.next();
            return new ArchiveStatus(rs.getLong(1), rs.getString(2), time(rs, 3), rs.getDouble(4), rs.getLong(5),
                    rs.getString(6), time(rs, 7), rs.getLong(8), time(rs, 9), rs.getLong(10), false);
        }
    }

    private static String time(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? "" : time.toInstant().toString();
    }

    /**
     * The standbys streaming from this primary that answered within the last three seconds (they
     * report every second): a promoted standby stops streaming, and one cut off stops answering
     * long before the walsender times out.
     */
    synchronized List<String> answeringStandbys() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"
                        + " AND reply_time > now() - interval '3 seconds'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    synchronized List<String> ensureSlots(List<String> wanted, String prefix) throws SQLException {
        Connection c = connection();
        List<String> changes = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            if (rs.getBoolean(1)) {
                throw new SQLException("slots are kept on the primary, and " + pod + " is a replica");
            }
        }
        List<String> existing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT slot_name, active FROM pg_replication_slots WHERE slot_type = 'physical' AND starts_with(slot_name, ?)")) {
            ps.setString(1, prefix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    existing.add(name);
                    // An active slot belongs to a replica that is still shutting down; a later call drops it.
                    if (!wanted.contains(name) && !rs.getBoolean(2)) {
                        drop(c, name);
                        changes.add("dropped " + name);
                    }
                }
            }
        }
        for (String name : wanted) {
            if (!existing.contains(name)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
                    ps.setString(1, name);
                    ps.execute();
                }
                changes.add("created " + name);
            }
        }
        return changes;
    }

    private static void drop(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
        }
    }

    synchronized void promote() throws SQLException {
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery("SELECT pg_promote(true, 60)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new SQLException("pg_promote did not finish within 60 s");
            }
        }
    }

    /**
     * Reloads postgres's configuration and returns once it is in effect: this session's
     * pg_conf_load_time() moves on only after the postmaster has read the files and signalled its
     * backends, and from then on pg_settings says which parameters wait for a restart.
     */
    synchronized void reload() throws SQLException {
        Connection c = connection();
        java.sql.Timestamp before = loadTime(c);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
        boolean reloaded;
        try {
            reloaded = Poll.until(java.time.Duration.ofSeconds(10), java.time.Duration.ofMillis(20),
                    () -> loadTime(c).after(before));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the reload", e);
        }
        if (!reloaded) {
            throw new SQLException("postgres did not reload its configuration within 10 s");
        }
    }

    private static java.sql.Timestamp loadTime(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_conf_load_time()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /**
     * Settings of the configuration file postgres cannot apply at a reload although they need no
     * restart: an invalid value, or a name it does not know ({@code name = value} each). A
     * restart-only parameter reads the same way in pg_file_settings, so those are left to the
     * start that applies them.
     */
    synchronized List<String> refusedSettings() throws SQLException {
        List<String> refused = new ArrayList<>();
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT f.name, f.setting FROM pg_file_settings f LEFT JOIN pg_settings p ON p.name = f.name"
                        + " WHERE f.error IS NOT NULL AND f.name IS NOT NULL AND p.context IS DISTINCT FROM 'postmaster'"
                        + " ORDER BY f.seqno")) {
            while (rs.next()) {
                refused.add(rs.getString(1) + " = '" + rs.getString(2) + "'");
            }
        }
        return refused;
    }

    /** Parameters whose loaded value postgres applies only at its next start, with the value wanted. */
    synchronized List<PendingRestart> pendingRestart(java.util.Map<String, String> wanted) {
        List<PendingRestart> pending = new ArrayList<>();
        // A parameter the spec no longer sets goes back to the server's default (boot_val, in the
        // parameter's base unit): reported as a value, so that it compares like one.
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT name, current_setting(name), boot_val, unit FROM pg_settings WHERE pending_restart"
                        + " ORDER BY name")) {
            while (rs.next()) {
                String name = rs.getString(1);
                pending.add(wanted.containsKey(name)
                        ? new PendingRestart(name, rs.getString(2), wanted.get(name))
                        : new PendingRestart(name, rs.getString(2), io.pgset.core.config.ParameterUnits.display(rs.getString(3),
                                rs.getString(4)), true));
            }
        } catch (SQLException e) {
            closeQuietly(); // the status read reports the failure; nothing is known to be pending
        }
        return pending;
    }

    /**
     * Asks over {@code session} from now on: the session that found a new start of postgres
     * accepting connections. A connection kept from before that start is closed; it went with the
     * postgres it was made to.
     */
    synchronized void adopt(Connection session) {
        closeQuietly();
        connection = session;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = session.open("postgres");
        }
        return connection;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the connection is being thrown away because it failed already
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
