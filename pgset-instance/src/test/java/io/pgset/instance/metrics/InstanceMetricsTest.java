package io.pgset.instance.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ArchiveStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a scrape says for a given sample: names, types and labels as postgres_exporter has them. */
class InstanceMetricsTest {

    private static final Labels COMMON = Labels.of("cluster", "demo", "pod", "demo-0");

    private static final PostgresSample POSTGRES = new PostgresSample(true,
            List.of(new PostgresSample.Database("app", 3, 120, 2, 10, 900, 1000, 500, 40, 5, 1, 0, 0, 0, 0, 8_000_000)),
            List.of(new PostgresSample.Activity("app", "active", 2, 1.5)),
            new PostgresSample.Archiver(7, 1, 12.5), 100,
            List.of(new PostgresSample.Standby("demo-1", "streaming", "quorum", 4096)),
            List.of(new PostgresSample.Statement("-42", "app", "app", 10, 0.25, 10)));

    private static String render(InstanceSample sample) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, InstanceMetrics.snapshots(sample, COMMON));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static InstanceStatus primary() {
        return new InstanceStatus("demo-0", Role.PRIMARY, true, true, 4242, 3, "0/3000060", null, false, 1 << 20, 2,
                "", "").withCertificateExpires("2027-01-01T00:00:00Z")
                .withArchive(new ArchiveStatus(7, "", "", 12.5, 1, "", "", 2, "", 0, false));
    }

    @Test
    void aPrimaryReportsPostgresExporterNamesWithClusterAndPodOnEverySample() throws Exception {
        String text = render(new InstanceSample(primary(), POSTGRES, new ProcessTree.Usage(12.5, 64 << 20, 7),
                10L << 30, 1_700_000_000_000L, 0.004));

        assertThat(text).contains(
                "pg_up{cluster=\"demo\",pod=\"demo-0\"} 1.0",
                "# TYPE pg_stat_database_xact_commit untyped",
                "pg_stat_database_xact_commit{cluster=\"demo\",datname=\"app\",pod=\"demo-0\"} 120.0",
                "pg_stat_database_numbackends{cluster=\"demo\",datname=\"app\",pod=\"demo-0\"} 3.0",
                "pg_database_size_bytes{cluster=\"demo\",datname=\"app\",pod=\"demo-0\"} 8000000.0",
                "pg_stat_activity_count{cluster=\"demo\",datname=\"app\",pod=\"demo-0\",state=\"active\"} 2.0",
                "pg_stat_activity_count{cluster=\"demo\",datname=\"app\",pod=\"demo-0\",state=\"idle\"} 0.0",
                "pg_stat_activity_max_tx_duration{cluster=\"demo\",datname=\"app\",pod=\"demo-0\",state=\"active\"} 1.5",
                "pg_stat_archiver_archived_count{cluster=\"demo\",pod=\"demo-0\"} 7.0",
                "pg_stat_archiver_last_archive_age{cluster=\"demo\",pod=\"demo-0\"} 12.5",
                "pg_settings_max_connections{cluster=\"demo\",pod=\"demo-0\"} 100.0",
                "pg_stat_replication_pg_wal_lsn_diff{application_name=\"demo-1\",cluster=\"demo\",pod=\"demo-0\",state=\"streaming\",sync_state=\"quorum\"} 4096.0",
                "# TYPE pg_stat_statements_calls_total counter",
                "pg_stat_statements_calls_total{cluster=\"demo\",datname=\"app\",pod=\"demo-0\",queryid=\"-42\",user=\"app\"} 10.0",
                "pg_stat_statements_seconds_total{cluster=\"demo\",datname=\"app\",pod=\"demo-0\",queryid=\"-42\",user=\"app\"} 0.25",
                "pgset_instance_is_primary{cluster=\"demo\",pod=\"demo-0\"} 1.0",
                "pgset_timeline{cluster=\"demo\",pod=\"demo-0\"} 3.0",
                "pgset_restarts_total{cluster=\"demo\",pod=\"demo-0\"} 2.0",
                "pgset_volume_capacity_bytes{cluster=\"demo\",pod=\"demo-0\"} 1.073741824E10",
                "pgset_certificate_expiry_timestamp_seconds{cluster=\"demo\",pod=\"demo-0\"} 1.7987616E9",
                "pgset_archive_ready_wal_files{cluster=\"demo\",pod=\"demo-0\"} 2.0",
                "pgset_postgres_cpu_seconds_total{cluster=\"demo\",pod=\"demo-0\"} 12.5",
                "pgset_postgres_resident_memory_bytes{cluster=\"demo\",pod=\"demo-0\"} 6.7108864E7");
    }

    @Test
    void aPostgresThatDoesNotAnswerIsPgUpZeroAndPgsetStillReports() throws Exception {
        InstanceStatus down = new InstanceStatus("demo-0", Role.UNKNOWN, true, false, 0, 0, null, null, false, 1 << 20, 1,
                "postgres is not running", "");
        String text = render(new InstanceSample(down, PostgresSample.DOWN, ProcessTree.Usage.NONE, -1, 1, 0));

        assertThat(text).contains("pg_up{cluster=\"demo\",pod=\"demo-0\"} 0.0",
                "pgset_instance_ready{cluster=\"demo\",pod=\"demo-0\"} 0.0",
                "pgset_restarts_total{cluster=\"demo\",pod=\"demo-0\"} 1.0")
                .doesNotContain("pg_stat_database", "pgset_volume_capacity_bytes", "pgset_certificate_expiry");
    }

    @Test
    void beforeTheFirstRoundNothingIsClaimed() throws Exception {
        assertThat(render(InstanceSample.none("demo-0"))).contains("pg_up{cluster=\"demo\",pod=\"demo-0\"} 0.0",
                "pgset_metrics_sample_timestamp_seconds{cluster=\"demo\",pod=\"demo-0\"} 0.0");
    }
}
