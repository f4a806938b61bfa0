package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import java.nio.file.Path;
import java.util.List;
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
 * @param namespace  the Kubernetes namespace, whose service DNS names the certificates then
 *                   cover; empty locally
 * @param peers      where the cluster's other instances connect from (replication, rewind), as
 *                   CIDRs for pg_hba.conf: the instance's own address locally, where every
 *                   instance shares it; any address in a pod, whose peers' addresses change with
 *                   every recreation (the NetworkPolicy keeps others out, and every connection
 *                   still needs a password or the cluster CA's client certificate)
 * @param initSql    a file of SQL a new database runs after bootstrap (Kubernetes: the
 *                   {@code <name>-init} ConfigMap); empty to run the spec's initSql statements
 * @param backups    where a posix repository without a path lives; empty where the runtime does
 *                   not apply {@code spec.backup} yet (Kubernetes), which then archives nothing
 * @param restoreSource for a cluster bootstrapped by recovery, where its first instance restores
 *                   from; empty for initdb
 * @param s3Secrets  where the Kubernetes Secrets that s3 repositories name are mounted, one
 *                   directory per repository name with a file per key; empty locally, where the
 *                   keys come from the secrets file the spec names
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
        Optional<Path> specFile,
        String namespace,
        List<String> peers,
        Optional<Path> initSql,
        Optional<Path> backups,
        Optional<RestoreSource> restoreSource,
        Optional<Path> s3Secrets) {

    /** The local runtime's: every instance on the same loopback address, no namespace. */
    public static InstanceOptions local(ClusterSpec spec, int ordinal, String host, int port, int apiPort, Path volume,
                                        Path secrets, Optional<Endpoint> upstream, boolean newDatabase,
                                        Optional<Path> specFile) {
        return new InstanceOptions(spec, ordinal, host, port, apiPort, volume, secrets, upstream, newDatabase,
                specFile, "", List.of(host + "/32"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** The same options with {@code spec.backup} applied, posix repositories defaulting to {@code dir}. */
    public InstanceOptions withBackups(Path dir) {
        return new InstanceOptions(spec, ordinal, host, port, apiPort, volume, secrets, upstream, newDatabase,
                specFile, namespace, peers, initSql, Optional.of(dir), restoreSource, s3Secrets);
    }

    /** The same options restoring a new cluster's first instance from {@code source}. */
    public InstanceOptions withRestoreSource(RestoreSource source) {
        return new InstanceOptions(spec, ordinal, host, port, apiPort, volume, secrets, upstream, newDatabase,
                specFile, namespace, peers, initSql, backups, Optional.of(source), s3Secrets);
    }

    /** The same options reading s3 keys from Secrets mounted under {@code dir}. */
    public InstanceOptions withS3Secrets(Path dir) {
        return new InstanceOptions(spec, ordinal, host, port, apiPort, volume, secrets, upstream, newDatabase,
                specFile, namespace, peers, initSql, backups, restoreSource, Optional.of(dir));
    }

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
