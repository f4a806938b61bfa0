package io.pgset.instance;

import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Lsn;
import io.pgset.core.model.Role;

/** Renders an instance's status in the Prometheus text exposition format. */
final class Metrics {

    private Metrics() {}

    static String render(InstanceStatus s, InstanceOptions options) {
        String labels = "{cluster=\"" + options.spec().name() + "\",pod=\"" + s.pod() + "\"}";
        StringBuilder out = new StringBuilder();
        gauge(out, "pgset_instance_started", "1 once bootstrap finished and postgres accepted a connection",
                labels, s.started() ? 1 : 0);
        gauge(out, "pgset_instance_ready", "1 when the instance is fit to serve", labels, s.ready() ? 1 : 0);
        gauge(out, "pgset_instance_primary", "1 on the primary, 0 otherwise", labels, s.role() == Role.PRIMARY ? 1 : 0);
        gauge(out, "pgset_timeline", "current timeline", labels, s.timeline());
        gauge(out, "pgset_wal_lsn_bytes", "write LSN on a primary, replay LSN on a replica", labels,
                s.lsn() == null ? 0 : Lsn.parse(s.lsn()));
        // postgres_exporter's name and meaning: 0 on a primary, and on a replica with nothing left to replay.
        gauge(out, "pg_replication_lag_seconds", "replication lag behind the primary in seconds (replay delay)",
                labels, s.lagSeconds());
        long received = s.receivedLsn() == null ? 0 : Lsn.parse(s.receivedLsn());
        long replayed = s.lsn() == null ? 0 : Lsn.parse(s.lsn());
        gauge(out, "pgset_replication_replay_lag_bytes", "WAL received from the primary but not yet replayed",
                labels, s.role() == Role.REPLICA ? Math.max(0, received - replayed) : 0);
        gauge(out, "pgset_volume_used_bytes", "bytes used on the instance's volume", labels, s.volumeBytes());
        out.append("# HELP pgset_postgres_restarts_total crashed postgres processes restarted in place\n")
           .append("# TYPE pgset_postgres_restarts_total counter\n")
           .append("pgset_postgres_restarts_total").append(labels).append(' ').append(s.restarts()).append('\n');
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
           .append("# TYPE ").append(name).append(" gauge\n")
           .append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
           .append("# TYPE ").append(name).append(" gauge\n")
           .append(name).append(labels).append(' ').append(value).append('\n');
    }
}
