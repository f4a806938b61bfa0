package io.pgset.core.config;

import io.pgset.core.model.ClusterSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders pg_hba.conf. Every rule asks for a SCRAM password or a client certificate: pgset never
 * writes {@code trust} or {@code peer}, so a process on the same machine gets no more access than
 * one across the network.
 */
public final class HbaRenderer {

    /** The role replicas connect as. */
    public static final String REPLICATION_USER = "pgset_replication";

    private HbaRenderer() {}

    /**
     * With TLS on, every rule is {@code hostssl} (a connection without TLS matches none and is
     * refused), and replicas prove who they are with a client certificate from the cluster CA.
     *
     * @param peers where the cluster's own instances connect from (replication and the instance
     *              managers); clients are admitted from {@code spec.network.allow}
     */
    public static String render(ClusterSpec spec, List<String> peers) {
        boolean tls = spec.tls().enabled();
        StringBuilder out = new StringBuilder("# Written by pgset. Rewritten at every start.\n");
        out.append("# TYPE  DATABASE     USER  ADDRESS  METHOD\n");
        Set<String> replicationSources = new LinkedHashSet<>(peers);
        for (String cidr : replicationSources) {
            out.append(line(tls, "replication", REPLICATION_USER, cidr, tls ? "cert" : "scram-sha-256"));
        }
        Set<String> clientSources = new LinkedHashSet<>(peers);
        clientSources.addAll(spec.network().allow());
        for (String cidr : clientSources) {
            out.append(line(tls, "all", "all", cidr, "scram-sha-256"));
        }
        return out.toString();
    }

    private static String line(boolean tls, String database, String user, String cidr, String method) {
        return (tls ? "hostssl " : "host    ") + database + "  " + user + "  " + cidr + "  " + method + "\n";
    }
}
