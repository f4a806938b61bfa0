package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything one instance manager needs to know, given to it by the runtime that starts it.
 *
 * @param spec       the cluster's spec
 * @param ordinal    this instance's ordinal; its name is {@code spec.podName(ordinal)}
 * @param host       the address postgres and the API listen on, and peers reach it at
 * @param port       postgres's port
 * @param apiPort    the instance API's port
 * @param volume     the instance's volume: PGDATA and the state that must outlive the process
 * @param secrets    a directory of secret files (passwords, API token)
 * @param upstream   the primary to clone from and stream from; empty for the primary
 * @param newDatabase with no upstream: an empty volume gets a new database (initdb); otherwise
 *                   an empty volume is an error, never silently a different database
 * @param specFile   where the spec is kept: read again at every start and reload, so a changed
 *                   spec reaches a running instance; empty to keep {@code spec} for life
 */
public record InstanceOptions(
        ClusterSpec spec,
        int ordinal,
        String host,
        int port,
        int apiPort,
        Path volume,
        Path secrets,
        Optional<Endpoint> upstream,
        boolean newDatabase,
        Optional<Path> specFile) {

    public String pod() {
        return spec.podName(ordinal);
    }

    public Path pgdata() {
        return volume.resolve("pgdata");
    }

    /** A host and port. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
