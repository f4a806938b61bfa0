package io.pgset.instance.metrics;

import static io.pgset.instance.metrics.MetricFamilies.Kind.COUNTER;
import static io.pgset.instance.metrics.MetricFamilies.Kind.GAUGE;

import io.pgset.core.control.HaCounters;
import io.pgset.core.model.ClusterStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Cluster-level metrics, as a controller sees its clusters: failovers, switchovers, the last
 * failover's duration, instances wanted and ready, and whether a ready primary serves. The local
 * controller serves one cluster's on its API; the operator every cluster's it manages, with the
 * cluster's namespace as a label.
 */
public final class ClusterMetrics {

    /**
     * One cluster's figures.
     *
     * @param namespace the cluster's Kubernetes namespace; empty locally (then there is no such label)
     */
    public record Figures(String cluster, String namespace, HaCounters counters, int wanted, int ready,
                          boolean primaryReady) {

        public static Figures of(ClusterStatus status, HaCounters counters, String namespace) {
            return new Figures(status.name(), namespace, counters, status.instances(), status.readyInstances(),
                    status.primary() != null);
        }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** @param clusters the figures as they are now; called at each scrape, so it must not block */
    public ClusterMetrics(Supplier<Collection<Figures>> clusters) {
        MultiCollector collector = () -> snapshots(clusters.get());
        registry.register(collector);
    }

    /** The registry, for a server of the Prometheus client to serve. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** The exposition in the Prometheus text format. */
    public byte[] scrape() {
        return Exposition.text(registry);
    }

    static MetricSnapshots snapshots(Collection<Figures> clusters) {
        MetricFamilies families = new MetricFamilies(Labels.EMPTY);
        for (Figures f : clusters) {
            families.labels(f.namespace().isEmpty() ? Labels.of("cluster", f.cluster())
                    : Labels.of("cluster", f.cluster(), "namespace", f.namespace()));
            families.single(COUNTER, "pgset_failovers", "replicas promoted because the primary was lost",
                    f.counters().failovers());
            families.single(COUNTER, "pgset_switchovers", "switchovers that handed the primary role over",
                    f.counters().switchovers());
            families.single(GAUGE, "pgset_last_failover_duration_seconds",
                    "from the pass that first saw the primary lost to the promotion, for the last failover; NaN before one",
                    f.counters().lastFailoverSeconds() >= 0 ? f.counters().lastFailoverSeconds() : Double.NaN);
            families.single(GAUGE, "pgset_instances_wanted", "instances the spec asks for", f.wanted());
            families.single(GAUGE, "pgset_instances_ready", "instances ready to serve", f.ready());
            families.single(GAUGE, "pgset_primary_ready", "1 while a ready primary serves the cluster",
                    f.primaryReady() ? 1 : 0);
        }
        return new MetricSnapshots(families.all());
    }
}
