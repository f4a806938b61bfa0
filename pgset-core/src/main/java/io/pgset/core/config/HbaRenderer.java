package io.pgset.core.config;

import io.pgset.core.model.ClusterSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders pg_hba.conf. Every rule asks for a SCRAM password: pgset never writes {@code trust} or
 * {@code peer}, so a process on the same machine gets no more access than one across the network.
 */
public final class HbaRenderer {

    /** The role replicas connect as. */
    public static final String REPLICATION_USER = "pgset_replication";

    private HbaRenderer() {}

    /**
     * @param peers where the cluster's own instances connect from (replication and the instance
     *              managers); clients are admitted from {@code spec.network.allow}
     */
    public static String render(ClusterSpec spec, List<String> peers) {
        StringBuilder out = new StringBuilder("# Written by pgset. Rewritten at every start.\n");
        out.append("# TYPE  DATABASE     USER  ADDRESS  METHOD\n");
        Set<String> replicationSources = new LinkedHashSet<>(peers);
        for (String cidr : replicationSources) {
            out.append(line("replication", REPLICATION_USER, cidr));
        }
        Set<String> clientSources = new LinkedHashSet<>(peers);
        clientSources.addAll(spec.network().allow());
        for (String cidr : clientSources) {
            out.append(line("all", "all", cidr));
        }
        return out.toString();
    }

    private static String line(String database, String user, String cidr) {
        return "host    " + database + "  " + user + "  " + cidr + "  scram-sha-256\n";
    }
}
