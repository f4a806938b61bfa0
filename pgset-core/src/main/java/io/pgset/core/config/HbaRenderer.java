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
    /** The superuser, which the instance managers connect as. */
    static final String SUPERUSER = "postgres";

    private HbaRenderer() {}

    /**
     * With TLS on, every rule is {@code hostssl} (a connection without TLS matches none and is
     * refused), and replicas prove who they are with a client certificate from the cluster CA.
     *
     * <p>Who may connect from where:
     * <ol>
     *   <li>the replication role, from the peers;
     *   <li>application roles, from {@code spec.network.allow} and from peers that are the
     *       instances' own addresses (the local runtime, where every instance shares one);
     *   <li>peers that may be any address (a pod, whose peers' addresses change with every
     *       recreation) admit only pgset's own roles: replication, and the superuser the instance
     *       managers connect as. When the spec leaves {@code network.allow} out there, application
     *       roles come from any address too: pod addresses are not known in advance, and the
     *       cluster's NetworkPolicy confines clients to the pods of its namespace.
     * </ol>
     *
     * @param peers where the cluster's own instances connect from (replication and the instance
     *              managers)
     */
    public static String render(ClusterSpec spec, List<String> peers) {
        return render(spec, peers, false);
    }

    /**
     * As {@link #render(ClusterSpec, List)}; with {@code localSocket}, first a rule for the
     * instance's Unix socket (see {@link InstanceConfig#socketDirectory}): the superuser only, with
     * its SCRAM password as over TCP. The socket never leaves the machine, so TLS has nothing to add
     * there (and postgres offers none on it), and only the postgres OS user (and root) may enter its
     * directory.
     */
    public static String render(ClusterSpec spec, List<String> peers, boolean localSocket) {
        boolean tls = spec.tls().enabled();
        StringBuilder out = new StringBuilder("# Written by pgset. Rewritten at every start.\n");
        out.append("# TYPE  DATABASE     USER  ADDRESS  METHOD\n");
        if (localSocket) {
            out.append("local   all  ").append(SUPERUSER).append("  scram-sha-256\n");
        }
        Set<String> replicationSources = new LinkedHashSet<>(peers);
        for (String cidr : replicationSources) {
            out.append(line(tls, "replication", REPLICATION_USER, cidr, tls ? "cert" : "scram-sha-256"));
        }
        Set<String> clientSources = clients(spec, peers);
        for (String cidr : replicationSources) {
            if (!clientSources.contains(cidr)) {
                out.append(line(tls, "all", SUPERUSER, cidr, "scram-sha-256"));
            }
        }
        for (String cidr : clientSources) {
            out.append(line(tls, "all", "all", cidr, "scram-sha-256"));
        }
        return out.toString();
    }

    private static Set<String> clients(ClusterSpec spec, List<String> peers) {
        List<String> anywhere = peers.stream().filter(HbaRenderer::anyAddress).toList();
        Set<String> clients = new LinkedHashSet<>(peers.stream().filter(p -> !anyAddress(p)).toList());
        clients.addAll(!anywhere.isEmpty() && !spec.network().given() ? anywhere : spec.network().allow());
        return clients;
    }

    /** A range of every IPv4 or every IPv6 address, such as 0.0.0.0/0. */
    private static boolean anyAddress(String cidr) {
        return cidr.endsWith("/0");
    }

    private static String line(boolean tls, String database, String user, String cidr, String method) {
        return (tls ? "hostssl " : "host    ") + database + "  " + user + "  " + cidr + "  " + method + "\n";
    }
}
