package io.pgset.instance.metrics;

import io.pgset.core.model.InstanceStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An instance's {@code /metrics}: a {@link MetricsSampler} fills a snapshot every few seconds, and
 * a scrape renders the last one through the Prometheus client's registry, without touching
 * postgres. Every sample carries the labels {@code cluster} and {@code pod}.
 */
public final class InstanceMetrics implements AutoCloseable {

    private final MetricsSampler sampler;
    private final PrometheusRegistry registry = new PrometheusRegistry();

    /**
     * @param status      the instance manager's status (role, readiness, volume, certificate, restarts)
     * @param connections new superuser connections to the instance's postgres, for the sampler alone
     * @param appDatabase the cluster's application database (pg_stat_statements is created there too)
     * @param warn        where the sampler says what it could not read
     */
    public InstanceMetrics(String cluster, String pod, Supplier<InstanceStatus> status,
                           Connections connections, String appDatabase, Consumer<String> warn) {
        this.sampler = new MetricsSampler(pod, new MetricsSampler.Sources(status, connections, appDatabase,
                new ProcessTree()), warn);
        Labels common = Labels.of("cluster", cluster, "pod", pod);
        MultiCollector collector = () -> snapshots(sampler.latest(), common);
        registry.register(collector);
    }

    /** Opens a new superuser connection to a database of the instance's own postgres. */
    @FunctionalInterface
    public interface Connections {
        java.sql.Connection open(String database) throws java.sql.SQLException;
    }

    public void start() {
        sampler.start();
    }

    /** Samples now rather than at the next round (postgres has just started). */
    public void sampleSoon() {
        sampler.soon();
    }

    /** The exposition of the last sample, in the Prometheus text format. */
    public byte[] scrape() {
        return Exposition.text(registry);
    }

    static MetricSnapshots snapshots(InstanceSample sample, Labels common) {
        MetricFamilies families = new MetricFamilies(common);
        PostgresFamilies.add(sample.postgres(), families);
        StatusFamilies.add(sample, families);
        return new MetricSnapshots(families.all());
    }

    @Override
    public void close() {
        sampler.close();
    }
}
