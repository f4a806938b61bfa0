package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecException;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * postgres's configuration as pgset owns it: the newest spec, read again at every start and
 * reload; the certificates it names; postgresql.conf and pg_hba.conf. Remembers what it last
 * wrote, for status and for the comparison that tells which parameters wait for a restart.
 * Callers hold the supervisor's gate: the files have one writer at a time.
 */
final class ConfigWriter {

    private final InstanceOptions options;
    private final DataDirectory data;
    private final InstanceTls tls;
    private final InstanceLog log;

    private volatile ClusterSpec spec;
    private volatile String specVersion = "";
    private volatile Map<String, String> settings = Map.of();
    /** Whether postgres was last configured with TLS (sessions follow it, not an older spec). */
    private volatile boolean tlsOn;

    ConfigWriter(InstanceOptions options, DataDirectory data, InstanceTls tls, InstanceLog log) {
        this.options = options;
        this.data = data;
        this.tls = tls;
        this.log = log;
        this.spec = options.spec();
    }

    /**
     * The spec file as it is now. An invalid spec file fails a reload ({@code strict}: the caller
     * hears why); a start goes on with the last good spec rather than not at all.
     */
    ClusterSpec newestSpec(boolean strict) throws IOException {
        ClusterSpec wanted = spec;
        if (options.specFile().isPresent()) {
            try {
                wanted = SpecReader.read(options.specFile().get());
            } catch (SpecException e) {
                String why = "the spec file is invalid, keeping spec " + SpecReader.version(spec) + ": "
                        + String.join("; ", e.problems());
                if (strict) {
                    throw new IOException(why, e);
                }
                log.warn(why);
            }
        }
        return wanted;
    }

    /** The certificate files postgres and its peers use, issued or renewed as needed; none with TLS off. */
    void prepareTls(ClusterSpec wanted) throws IOException {
        tlsOn = wanted.tls().enabled();
        if (!wanted.tls().enabled()) {
            data.useTls(Optional.empty());
            return;
        }
        if (tls.ensure(wanted, false)) {
            log.info("certificates issued, valid until " + tls.expires().orElseThrow());
        }
        data.useTls(Optional.of(tls.files()));
    }

    /** Writes postgresql.conf and pg_hba.conf (and the certificates they name) from the newest spec. */
    void write(Optional<InstanceOptions.Endpoint> follow, boolean strict) throws IOException {
        ClusterSpec wanted = newestSpec(strict);
        prepareTls(wanted);
        settings = data.writeConfig(wanted, follow);
        spec = wanted;
        specVersion = SpecReader.version(wanted);
    }

    ClusterSpec spec() {
        return spec;
    }

    String specVersion() {
        return specVersion;
    }

    Map<String, String> settings() {
        return settings;
    }

    boolean tlsOn() {
        return tlsOn;
    }
}
