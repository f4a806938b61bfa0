package io.pgset.core.config;

import java.util.Optional;

/**
 * What differs between the instances of one cluster when their configuration is rendered.
 *
 * @param pod             the instance's stable name, used as cluster_name and application_name
 * @param listenAddresses where postgres listens (loopback locally, {@code *} in a pod)
 * @param port            the instance's postgres port
 * @param upstream        present when the instance is a replica: whom it streams from
 */
public record InstanceConfig(String pod, String listenAddresses, int port, Optional<Upstream> upstream) {

    /**
     * A replica's source of WAL.
     *
     * @param passfile a libpq password file readable by the postgres OS user only
     */
    public record Upstream(String host, int port, String user, String passfile, String slot) {}
}
