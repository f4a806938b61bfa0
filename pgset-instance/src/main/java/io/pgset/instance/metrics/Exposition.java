package io.pgset.instance.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A registry's metrics in the Prometheus text format (0.0.4), which every scraper reads. */
public final class Exposition {

    /** The exposition's content type. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private Exposition() {}

    static byte[] text(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            WRITER.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
