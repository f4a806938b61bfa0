package io.pgset.instance.metrics;

import static io.pgset.instance.metrics.MetricFamilies.Kind.COUNTER;
import static io.pgset.instance.metrics.MetricFamilies.Kind.GAUGE;
import static io.pgset.instance.metrics.MetricFamilies.Kind.UNTYPED_COUNTER;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** postgres's statistics views under postgres_exporter's names and labels. */
final class PostgresFamilies {

    private PostgresFamilies() {}

    static void add(PostgresSample p, MetricFamilies out) {
        out.single(GAUGE, "pg_up", "1 when the last sampling round could query postgres", p.up() ? 1 : 0);
        if (!p.up()) {
            return;
        }
        databases(p.databases(), out);
        activity(p, out);
        if (p.archiver() != null) {
            out.single(UNTYPED_COUNTER, "pg_stat_archiver_archived_count", "WAL files archived", p.archiver().archivedCount());
            out.single(UNTYPED_COUNTER, "pg_stat_archiver_failed_count", "failed attempts to archive WAL files",
                    p.archiver().failedCount());
            double age = p.archiver().lastArchiveAgeSeconds();
            out.single(GAUGE, "pg_stat_archiver_last_archive_age",
                    "seconds since the last WAL file was archived; NaN before the first", age >= 0 ? age : Double.NaN);
        }
        if (p.maxConnections() >= 0) {
            out.single(GAUGE, "pg_settings_max_connections", "the max_connections setting", p.maxConnections());
        }
        MetricFamilies.Family lag = out.family(GAUGE, "pg_stat_replication_pg_wal_lsn_diff",
                "bytes between the primary's WAL position and what the standby replayed");
        p.standbys().forEach(s -> lag.add(s.replayLagBytes(), "application_name", s.applicationName(), "state",
                s.state(), "sync_state", s.syncState()));
        statements(p.statements(), out);
    }

    private static void databases(List<PostgresSample.Database> rows, MetricFamilies out) {
        perDatabase(rows, out, GAUGE, "numbackends", "backends connected", PostgresSample.Database::numbackends);
        perDatabase(rows, out, UNTYPED_COUNTER, "xact_commit", "transactions committed", PostgresSample.Database::xactCommit);
        perDatabase(rows, out, UNTYPED_COUNTER, "xact_rollback", "transactions rolled back", PostgresSample.Database::xactRollback);
        perDatabase(rows, out, UNTYPED_COUNTER, "blks_read", "disk blocks read", PostgresSample.Database::blksRead);
        perDatabase(rows, out, UNTYPED_COUNTER, "blks_hit", "blocks found in the buffer cache", PostgresSample.Database::blksHit);
        perDatabase(rows, out, UNTYPED_COUNTER, "tup_returned", "rows returned by queries", PostgresSample.Database::tupReturned);
        perDatabase(rows, out, UNTYPED_COUNTER, "tup_fetched", "rows fetched by queries", PostgresSample.Database::tupFetched);
        perDatabase(rows, out, UNTYPED_COUNTER, "tup_inserted", "rows inserted", PostgresSample.Database::tupInserted);
        perDatabase(rows, out, UNTYPED_COUNTER, "tup_updated", "rows updated", PostgresSample.Database::tupUpdated);
        perDatabase(rows, out, UNTYPED_COUNTER, "tup_deleted", "rows deleted", PostgresSample.Database::tupDeleted);
        perDatabase(rows, out, UNTYPED_COUNTER, "conflicts", "queries canceled by recovery conflicts", PostgresSample.Database::conflicts);
        perDatabase(rows, out, UNTYPED_COUNTER, "temp_files", "temporary files created", PostgresSample.Database::tempFiles);
        perDatabase(rows, out, UNTYPED_COUNTER, "temp_bytes", "bytes written to temporary files", PostgresSample.Database::tempBytes);
        perDatabase(rows, out, UNTYPED_COUNTER, "deadlocks", "deadlocks detected", PostgresSample.Database::deadlocks);
        MetricFamilies.Family size = out.family(GAUGE, "pg_database_size_bytes", "disk space the database uses");
        rows.forEach(d -> size.add(d.sizeBytes(), "datname", d.datname()));
    }

    private static void perDatabase(List<PostgresSample.Database> rows, MetricFamilies out, MetricFamilies.Kind kind,
                                    String column, String help, ToDoubleFunction<PostgresSample.Database> value) {
        MetricFamilies.Family family = out.family(kind, "pg_stat_database_" + column, help);
        rows.forEach(d -> family.add(value.applyAsDouble(d), "datname", d.datname()));
    }

    /** Every state for every database, 0 where none is in it, so that a series does not vanish when idle. */
    private static void activity(PostgresSample p, MetricFamilies out) {
        Map<String, PostgresSample.Activity> seen = new HashMap<>();
        p.activity().forEach(a -> seen.put(a.datname() + '\0' + a.state(), a));
        MetricFamilies.Family count = out.family(GAUGE, "pg_stat_activity_count", "client backends by database and state");
        MetricFamilies.Family age = out.family(GAUGE, "pg_stat_activity_max_tx_duration",
                "age in seconds of the oldest transaction by database and state");
        for (PostgresSample.Database d : p.databases()) {
            for (String state : PostgresQueries.STATES) {
                PostgresSample.Activity a = seen.get(d.datname() + '\0' + state);
                count.add(a == null ? 0 : a.count(), "datname", d.datname(), "state", state);
                age.add(a == null ? 0 : a.maxTxSeconds(), "datname", d.datname(), "state", state);
            }
        }
    }

    private static void statements(List<PostgresSample.Statement> rows, MetricFamilies out) {
        MetricFamilies.Family calls = out.family(COUNTER, "pg_stat_statements_calls",
                "times the query ran (the top " + PostgresQueries.TOP_STATEMENTS + " queries by total time)");
        MetricFamilies.Family seconds = out.family(COUNTER, "pg_stat_statements_seconds",
                "time spent running the query (the top " + PostgresQueries.TOP_STATEMENTS + " queries by total time)");
        MetricFamilies.Family rowsTotal = out.family(COUNTER, "pg_stat_statements_rows",
                "rows the query returned or changed (the top " + PostgresQueries.TOP_STATEMENTS + " queries by total time)");
        for (PostgresSample.Statement s : rows) {
            String[] labels = {"queryid", s.queryid(), "datname", s.datname(), "user", s.user() == null ? "" : s.user()};
            calls.add(s.calls(), labels);
            seconds.add(s.seconds(), labels);
            rowsTotal.add(s.rows(), labels);
        }
    }
}
