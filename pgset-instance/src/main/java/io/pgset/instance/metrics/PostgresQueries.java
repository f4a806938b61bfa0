package io.pgset.instance.metrics;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statistics queries of one sampling round, each on its own, so that one that fails (a view
 * that is missing, a statement timeout) leaves the others' figures standing. Columns and their
 * meaning follow postgres_exporter's collectors.
 */
final class PostgresQueries {

    /** How many of pg_stat_statements' queries are exported: bounded, whatever the workload. */
    static final int TOP_STATEMENTS = 20;

    /** The states pg_stat_activity reports; each is exported for each database, 0 when none is in it. */
    static final List<String> STATES = List.of("active", "idle", "idle in transaction",
            "idle in transaction (aborted)", "fastpath function call", "disabled");

    private static final String DATABASES = """
            SELECT d.datname, d.numbackends, d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit,
                   d.tup_returned, d.tup_fetched, d.tup_inserted, d.tup_updated, d.tup_deleted, d.conflicts,
                   d.temp_files, d.temp_bytes, d.deadlocks, pg_database_size(d.datid)
              FROM pg_stat_database d JOIN pg_database b ON b.oid = d.datid
             WHERE b.datallowconn ORDER BY d.datname
            """;

    private static final String ACTIVITY = """
            SELECT datname, state, count(*),
                   coalesce(max(extract(epoch FROM now() - xact_start)), 0)
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND datname IS NOT NULL AND state IS NOT NULL
             GROUP BY datname, state
            """;

    private static final String ARCHIVER = """
            SELECT archived_count, failed_count,
                   coalesce(extract(epoch FROM now() - last_archived_time), -1)
              FROM pg_stat_archiver
            """;

    private static final String STANDBYS = """
            SELECT application_name, coalesce(state, ''), coalesce(sync_state, ''),
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint
              FROM pg_stat_replication WHERE NOT pg_is_in_recovery()
            """;

    /** The schema pg_stat_statements was created in; none when the extension is not there. */
    private static final String STATEMENTS_SCHEMA = """
            SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
             WHERE e.extname = 'pg_stat_statements'
            """;

    /** Turns the current row into a value. */
    @FunctionalInterface
    private interface Row<T> {
        T of(ResultSet rs) throws SQLException;
    }

    private PostgresQueries() {}

    private static <T> List<T> rows(Connection c, String sql, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(row.of(rs));
            }
        }
        return rows;
    }

    /** One round; throws only when postgres does not answer at all (it is down, or the connection broke). */
    static PostgresSample read(Connection c, SectionFailures failures) throws SQLException {
        rows(c, "SELECT 1", rs -> rs.getInt(1)); // whether it is up; a slow section below says nothing of that
        List<PostgresSample.Database> databases = failures.guard("pg_stat_database", List.of(), () -> databases(c));
        List<PostgresSample.Activity> activity = failures.guard("pg_stat_activity", List.of(), () -> activity(c));
        PostgresSample.Archiver archiver = failures.guard("pg_stat_archiver", null, () -> archiver(c));
        long maxConnections = failures.guard("max_connections", -1L, () -> maxConnections(c));
        List<PostgresSample.Standby> standbys = failures.guard("pg_stat_replication", List.of(), () -> standbys(c));
        List<PostgresSample.Statement> statements = failures.guard("pg_stat_statements", List.of(),
                () -> statements(c));
        return new PostgresSample(true, databases, activity, archiver, maxConnections, standbys, statements);
    }

    private static List<PostgresSample.Database> databases(Connection c) throws SQLException {
        return rows(c, DATABASES, rs -> new PostgresSample.Database(rs.getString(1), rs.getLong(2), rs.getLong(3),
                rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15),
                rs.getLong(16)));
    }

    private static List<PostgresSample.Activity> activity(Connection c) throws SQLException {
        return rows(c, ACTIVITY, rs -> new PostgresSample.Activity(rs.getString(1), rs.getString(2), rs.getLong(3),
                rs.getDouble(4)));
    }

    private static PostgresSample.Archiver archiver(Connection c) throws SQLException {
        return rows(c, ARCHIVER, rs -> new PostgresSample.Archiver(rs.getLong(1), rs.getLong(2), rs.getDouble(3)))
                .get(0);
    }

    private static long maxConnections(Connection c) throws SQLException {
        return rows(c, "SELECT current_setting('max_connections')::bigint", rs -> rs.getLong(1)).get(0);
    }

    private static List<PostgresSample.Standby> standbys(Connection c) throws SQLException {
        return rows(c, STANDBYS, rs -> new PostgresSample.Standby(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getLong(4)));
    }

    /** The top queries by total execution time; none while the extension is not created. */
    private static List<PostgresSample.Statement> statements(Connection c) throws SQLException {
        Optional<String> schema = statementsSchema(c);
        if (schema.isEmpty()) {
            return List.of();
        }
        // One row per (query, database, user): with pg_stat_statements.track = all a query is also
        // counted nested, under the same id, and two series with one label set would fail the scrape.
        String sql = "SELECT s.queryid::text, d.datname, pg_get_userbyid(s.userid), sum(s.calls),"
                + " sum(s.total_exec_time) / 1000, sum(s.rows) FROM " + quoteIdentifier(schema.get())
                + ".pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE s.queryid IS NOT NULL"
                + " GROUP BY s.queryid, d.datname, s.userid ORDER BY sum(s.total_exec_time) DESC LIMIT " + TOP_STATEMENTS;
        return rows(c, sql, rs -> new PostgresSample.Statement(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getLong(4), rs.getDouble(5), rs.getLong(6)));
    }

    static Optional<String> statementsSchema(Connection c) throws SQLException {
        return rows(c, STATEMENTS_SCHEMA, rs -> rs.getString(1)).stream().findFirst();
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
