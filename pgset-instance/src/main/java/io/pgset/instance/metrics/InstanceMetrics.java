package io.pgset.instance.metrics;

import io.pgset.core.model.InstanceStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An instance's {@code /metrics}: a {@link MetricsSampler} fills a snapshot every few seconds, and
 * a scrape renders the last one through the Prometheus client's registry, without touching
 * postgres. Every sample carries the labels {@code cluster} and {@code pod}.
 */
public final class InstanceMetrics implements AutoCloseable {

    /** The exposition's content type (Prometheus text format 0.0.4). */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final MetricsSampler sampler;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param status      the instance manager's status (role, readiness, volume, certificate, restarts)
     * @param connections new superuser connections to the instance's postgres, for the sampler alone
     * @param volume      the instance's volume
     * @param warn        where the sampler says what it could not read
     */
    public InstanceMetrics(String cluster, String pod, Supplier<InstanceStatus> status,
                           Connections connections, Path volume, Consumer<String> warn) {
        this.sampler = new MetricsSampler(pod, new MetricsSampler.Sources(status, connections::open, volume,
                new ProcessTree()), warn);
        Labels common = Labels.of("cluster", cluster, "pod", pod);
        MultiCollector collector = () -> snapshots(sampler.latest(), common);
        registry.register(collector);
    }

    /** Opens a new superuser connection to the instance's own postgres. */
    @FunctionalInterface
    public interface Connections {
        java.sql.Connection open() throws java.sql.SQLException;
    }

    public void start() {
        sampler.start();
    }

    /** The exposition of the last sample, in the Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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
