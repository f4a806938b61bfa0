package io.pgset.instance;

import io.pgset.core.config.InstanceConfig;
import io.pgset.core.config.PostgresConfRenderer;
import java.util.Optional;

/**
 * The TLS part of the libpq connection strings this instance's tools use to reach another
 * instance (pg_basebackup, pg_rewind): verify the peer against the cluster CA, and show the
 * replication certificate when asked. Follows the certificates as they are renewed.
 */
final class LibpqTls {

    private volatile Optional<InstanceConfig.Tls> files = Optional.empty();

    /** The certificate files connections use from now on; empty while TLS is off. */
    void use(Optional<InstanceConfig.Tls> files) {
        this.files = files;
    }

    Optional<InstanceConfig.Tls> files() {
        return files;
    }

    /** Conninfo settings, each with a leading space. */
    String conninfo(boolean clientCertificate) {
        return files.map(t -> " sslmode=verify-full sslrootcert=" + PostgresConfRenderer.libpqQuote(t.ca())
                + (clientCertificate ? " sslcert=" + PostgresConfRenderer.libpqQuote(t.clientCertificate())
                        + " sslkey=" + PostgresConfRenderer.libpqQuote(t.clientKey()) : ""))
                .orElse(" sslmode=disable");
    }
}
