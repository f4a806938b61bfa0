package io.pgset.instance.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the metric families of a scrape, each sample with the common labels (cluster, pod) and
 * its own. Asking for a family again by name adds to it; a family with no sample is left out.
 */
final class MetricFamilies {

    /** How a family is typed in the exposition. */
    enum Kind {
        GAUGE,
        /** Exposed with {@code _total} appended, as the Prometheus client names counters. */
        COUNTER,
        /**
         * A counter that keeps postgres_exporter's name, which has no {@code _total}: the Java
         * client appends it to every counter, so these are exposed untyped under the exact name.
         * PromQL's rate() works on them all the same.
         */
        UNTYPED_COUNTER
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private Labels common;

    MetricFamilies(Labels common) {
        this.common = common;
    }

    /** The common labels of the samples added from now on (the next cluster's, say). */
    void labels(Labels next) {
        this.common = next;
    }

    /** The family of this name, new or as built so far. */
    Family family(Kind kind, String name, String help) {
        return families.computeIfAbsent(name, n -> new Family(kind, name, help));
    }

    /** Shorthand for one sample with only the common labels. */
    void single(Kind kind, String name, String help, double value) {
        family(kind, name, help).add(value);
    }

    List<MetricSnapshot> all() {
        return families.values().stream().filter(f -> f.samples > 0).map(Family::build).toList();
    }

    /** One metric family being built. */
    final class Family {
        private final Kind kind;
        private final String name;
        private final String help;
        private final GaugeSnapshot.Builder gauge;
        private final CounterSnapshot.Builder counter;
        private final UnknownSnapshot.Builder untyped;
        private int samples;

        private Family(Kind kind, String name, String help) {
            this.kind = kind;
            this.name = name;
            this.help = help;
            this.gauge = kind == Kind.GAUGE ? GaugeSnapshot.builder().name(name).help(help) : null;
            this.counter = kind == Kind.COUNTER ? CounterSnapshot.builder().name(name).help(help) : null;
            this.untyped = kind == Kind.UNTYPED_COUNTER ? UnknownSnapshot.builder().name(name).help(help) : null;
        }

        Family add(double value) {
            return add(value, Labels.EMPTY);
        }

        /** @param labels name, value, name, value, ... */
        Family add(double value, String... labels) {
            return add(value, Labels.of(labels));
        }

        private Family add(double value, Labels own) {
            Labels labels = common.merge(own);
            switch (kind) {
                case GAUGE -> gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(value).build());
                case COUNTER -> counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                        .value(value).build());
                case UNTYPED_COUNTER -> untyped.dataPoint(UnknownSnapshot.UnknownDataPointSnapshot.builder()
                        .labels(labels).value(value).build());
            }
            samples++;
            return this;
        }

        private MetricSnapshot build() {
            return switch (kind) {
                case GAUGE -> gauge.build();
                case COUNTER -> counter.build();
                case UNTYPED_COUNTER -> untyped.build();
            };
        }

        @Override
        public String toString() {
            return name + " (" + help + ")";
        }
    }
}
