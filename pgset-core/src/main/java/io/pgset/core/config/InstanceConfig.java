package io.pgset.core.config;

import java.util.Optional;

/**
 * What differs between the instances of one cluster when their configuration is rendered.
 *
 * @param pod             the instance's stable name, used as cluster_name and application_name
 * @param listenAddresses where postgres listens (loopback locally, {@code *} in a pod)
 * @param port            the instance's postgres port
 * @param upstream        present when the instance is a replica: whom it streams from
 * @param tls             the instance's certificate files when TLS is on
 * @param socketDirectory where postgres also listens on a Unix socket, for its instance manager's
 *                        own sessions; empty for none
 */
public record InstanceConfig(String pod, String listenAddresses, int port, Optional<Upstream> upstream,
                             Optional<Tls> tls, Optional<String> socketDirectory) {

    public InstanceConfig(String pod, String listenAddresses, int port, Optional<Upstream> upstream) {
        this(pod, listenAddresses, port, upstream, Optional.empty(), Optional.empty());
    }

    public InstanceConfig(String pod, String listenAddresses, int port, Optional<Upstream> upstream,
                          Optional<Tls> tls) {
        this(pod, listenAddresses, port, upstream, tls, Optional.empty());
    }

    /**
     * Files readable by the postgres OS user only (keys 0600).
     *
     * @param certificate   the server certificate, signed by the cluster CA
     * @param key           its private key
     * @param ca            the cluster CA's certificate, which client certificates must chain to
     * @param clientCertificate the replication user's client certificate, for streaming from a peer
     * @param clientKey     its private key
     */
    public record Tls(String certificate, String key, String ca, String clientCertificate, String clientKey) {}

    /**
     * A replica's source of WAL.
     *
     * @param passfile a libpq password file readable by the postgres OS user only
     */
    public record Upstream(String host, int port, String user, String passfile, String slot) {}
}
