package io.pgset.instance.metrics;

import java.util.List;

/**
 * What one round of the {@link MetricsSampler} read from postgres's statistics views. Each part is
 * empty when its query failed (the rest still counts), and {@link #up} is false when no connection
 * could be made at all.
 *
 * @param up             a connection was made and the round's first query answered
 * @param databases      pg_stat_database and the size of each database that accepts connections
 * @param activity       client backends by database and state, with their oldest open transaction
 * @param archiver       pg_stat_archiver; null when unknown
 * @param maxConnections the max_connections setting; -1 when unknown
 * @param standbys       on a primary: each standby in pg_stat_replication and how far behind it replays
 * @param statements     the top queries of pg_stat_statements by total execution time; empty without it
 */
public record PostgresSample(boolean up, List<Database> databases, List<Activity> activity, Archiver archiver,
                             long maxConnections, List<Standby> standbys, List<Statement> statements) {

    public static final PostgresSample DOWN = new PostgresSample(false, List.of(), List.of(), null, -1, List.of(),
            List.of());

    public PostgresSample {
        databases = List.copyOf(databases);
        activity = List.copyOf(activity);
        standbys = List.copyOf(standbys);
        statements = List.copyOf(statements);
    }

    /** One row of pg_stat_database, in postgres_exporter's column order, and the database's size. */
    public record Database(String datname, long numbackends, long xactCommit, long xactRollback, long blksRead,
                           long blksHit, long tupReturned, long tupFetched, long tupInserted, long tupUpdated,
                           long tupDeleted, long conflicts, long tempFiles, long tempBytes, long deadlocks,
                           long sizeBytes) {}

    /** Client backends of one database in one state, and the age of the oldest transaction among them. */
    public record Activity(String datname, String state, long count, double maxTxSeconds) {}

    /** @param lastArchiveAgeSeconds seconds since the last segment was archived; -1 before any */
    public record Archiver(long archivedCount, long failedCount, double lastArchiveAgeSeconds) {}

    /** A standby streaming from this primary: bytes between the primary's WAL position and its replay. */
    public record Standby(String applicationName, String state, String syncState, long replayLagBytes) {}

    /** @param queryid postgres's query identifier (the text is never exported) */
    public record Statement(String queryid, String datname, String user, long calls, double seconds, long rows) {}
}
