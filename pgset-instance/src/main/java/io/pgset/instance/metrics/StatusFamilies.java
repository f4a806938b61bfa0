package io.pgset.instance.metrics;

import static io.pgset.instance.metrics.MetricFamilies.Kind.COUNTER;
import static io.pgset.instance.metrics.MetricFamilies.Kind.GAUGE;

import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Lsn;
import io.pgset.core.model.Role;
import java.time.Instant;

/** pgset's own figures of an instance: from its status, its volume and postgres's process tree. */
final class StatusFamilies {

    private StatusFamilies() {}

    static void add(InstanceSample sample, MetricFamilies out) {
        InstanceStatus s = sample.status();
        out.single(GAUGE, "pgset_instance_started", "1 once bootstrap finished and postgres accepted a connection",
                bit(s.started()));
        out.single(GAUGE, "pgset_instance_ready", "1 when the instance is fit to serve", bit(s.ready()));
        out.single(GAUGE, "pgset_instance_is_primary", "1 on the primary (postgres not in recovery), 0 otherwise",
                bit(s.role() == Role.PRIMARY));
        out.single(GAUGE, "pgset_timeline", "current timeline (a replica: the one it receives)", s.timeline());
        long replayed = s.lsn() == null ? 0 : Lsn.parse(s.lsn());
        long received = s.receivedLsn() == null ? 0 : Lsn.parse(s.receivedLsn());
        out.single(GAUGE, "pgset_wal_lsn_bytes", "write LSN on a primary, replay LSN on a replica", replayed);
        out.single(COUNTER, "pgset_restarts", "crashed postgres processes the instance manager restarted in place",
                s.restarts());
        // postgres_exporter's names and meaning: 0 on a primary, and on a replica with nothing left to replay.
        out.single(GAUGE, "pg_replication_lag_seconds", "replication lag behind the primary in seconds (replay delay)",
                s.lagSeconds());
        out.single(GAUGE, "pg_replication_is_replica", "1 when postgres is in recovery", bit(s.role() == Role.REPLICA));
        out.single(GAUGE, "pgset_replication_replay_lag_bytes", "WAL received from the primary but not yet replayed",
                s.role() == Role.REPLICA ? Math.max(0, received - replayed) : 0);
        out.single(GAUGE, "pgset_volume_used_bytes", "bytes of the files on the instance's volume", s.volumeBytes());
        if (sample.capacityBytes() >= 0) {
            out.single(GAUGE, "pgset_volume_capacity_bytes", "bytes the instance's volume can hold",
                    sample.capacityBytes());
        }
        if (s.storage().freeBytes() >= 0) {
            out.single(GAUGE, "pgset_volume_free_bytes", "bytes still free on the volume's filesystem",
                    s.storage().freeBytes());
        }
        out.single(GAUGE, "pgset_volume_full", "1 when the volume has too little room for postgres to write",
                bit(s.storage().full()));
        if (!s.certificateExpires().isEmpty()) {
            out.single(GAUGE, "pgset_certificate_expiry_timestamp_seconds",
                    "when the instance's server certificate expires (Unix time)",
                    Instant.parse(s.certificateExpires()).getEpochSecond());
        }
        out.single(GAUGE, "pgset_archive_ready_wal_files", "WAL files waiting to be archived",
                s.archive().segmentsWaiting());
        out.single(GAUGE, "pgset_archive_failing", "1 when the last archive attempt failed and WAL waits",
                bit(s.archive().failing()));
        processes(sample, out);
    }

    private static void processes(InstanceSample sample, MetricFamilies out) {
        ProcessTree.Usage p = sample.process();
        out.single(COUNTER, "pgset_postgres_cpu_seconds",
                "user and system CPU time of the postmaster and every process under it, exited ones included",
                p.cpuSeconds());
        out.single(GAUGE, "pgset_postgres_resident_memory_bytes",
                "resident memory of postgres's processes, shared memory counted once", p.residentBytes());
        out.single(GAUGE, "pgset_postgres_processes", "processes in postgres's tree, the postmaster included",
                p.processes());
        out.single(GAUGE, "pgset_metrics_sample_timestamp_seconds",
                "when the figures of this scrape were sampled (Unix time); 0 before the first round",
                sample.sampledAtMillis() / 1000.0);
        out.single(GAUGE, "pgset_metrics_sample_duration_seconds", "how long the last sampling round took",
                sample.sampleSeconds());
    }

    private static double bit(boolean b) {
        return b ? 1 : 0;
    }
}
