package io.pgset.local;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders the HAProxy configuration that serves a cluster's {@code rw} and {@code ro}: one TCP
 * frontend per service on its kept loopback port, one backend per service holding every instance
 * as a server, and each server's initial state taken from the routing (a server a service does not
 * route to starts {@code disabled}). The controller moves servers in and out at run time through
 * the master CLI. Instances that come and go are added to and deleted from the running HAProxy there
 * too ({@link ServerChanges}); it rewrites this file and reloads only when the frame changes
 * (the services' ports or {@code network.allow}). Pure.
 *
 * <p>A client outside {@code network.allow} is sent to the controller's refusal listener with a
 * PROXY protocol header, which answers it in the postgres protocol with the reason; with the
 * controller down, the connection is closed, so the allow-list holds either way.
 *
 * @param cluster  the cluster's name, for the header comment
 * @param services the rw and ro ports
 * @param refusal  the port of the controller's refusal listener
 * @param allow    {@code spec.network.allow}
 * @param servers  every instance with a postgres port
 * @param dropRoot whether its workers give up root for nobody (uid and gid 65534) once they listen:
 *                 HAProxy parses what clients send, and needs no privilege to relay it
 */
record HaproxyConfig(String cluster, Services services, int refusal, List<String> allow, List<Server> servers,
                     boolean dropRoot) {

    /** The user and group HAProxy's workers run as when started by root: Debian's nobody and nogroup. */
    static final int NOBODY = 65534;

    /** An instance's postgres, as a server of both backends. */
    record Server(String name, String host, int port) {}

    /** The longest idle time HAProxy accepts (2^31 ms): idle sessions of pools must not be cut. */
    private static final String IDLE = "24d";
    private static final Pattern STATE = Pattern.compile("(?m)^(\\s+server \\S+ \\S+) disabled$");
    /** An instance's server line in a backend of a service ({@code refused} has its own, with send-proxy). */
    private static final Pattern SERVER = Pattern.compile("(?m)^    server (\\S+) (\\S+):(\\d+)( disabled)?\\n");

    HaproxyConfig {
        allow = List.copyOf(allow);
        servers = List.copyOf(servers);
    }

    List<String> serverNames() {
        return servers.stream().map(Server::name).toList();
    }

    String render(ServiceRouting routing) {
        StringBuilder cfg = new StringBuilder();
        cfg.append("# Written by pgset for cluster ").append(cluster)
           .append(": its controller rewrites this file, and sets server states at run time.\n");
        cfg.append("global\n    maxconn 4096\n");
        if (dropRoot) {
            cfg.append("    uid ").append(NOBODY).append("\n    gid ").append(NOBODY).append('\n');
        }
        cfg.append('\n');
        // No retries: HAProxy waits a second before each, while a client that is told at once
        // tries again on its own and finds rw on the new primary as soon as it has moved.
        cfg.append("defaults\n    mode tcp\n    option tcpka\n    retries 0\n    timeout connect 2s\n")
           .append("    timeout client ").append(IDLE).append("\n    timeout server ").append(IDLE).append("\n\n");
        frontend(cfg, ServiceRouting.RW, services.rw());
        frontend(cfg, ServiceRouting.RO, services.ro());
        backend(cfg, ServiceRouting.RW, routing, "first");
        backend(cfg, ServiceRouting.RO, routing, "roundrobin");
        cfg.append("backend refused\n    server refusal ").append(Ports.LOOPBACK).append(':')
           .append(refusal).append(" send-proxy\n");
        return cfg.toString();
    }

    private void frontend(StringBuilder cfg, String name, int port) {
        cfg.append("frontend ").append(name).append("\n    bind ").append(Ports.LOOPBACK).append(':').append(port).append('\n');
        if (allow.isEmpty()) {
            cfg.append("    default_backend refused\n\n");
            return;
        }
        cfg.append("    acl allowed src ").append(String.join(" ", allow)).append('\n')
           .append("    use_backend refused if !allowed\n")
           .append("    default_backend ").append(name).append("\n\n");
    }

    private void backend(StringBuilder cfg, String name, ServiceRouting routing, String balance) {
        cfg.append("backend ").append(name).append("\n    balance ").append(balance).append('\n');
        for (Server server : servers) {
            cfg.append("    server ").append(server.name()).append(' ').append(server.host()).append(':')
               .append(server.port()).append(routing.routes(name, server.name()) ? "" : " disabled").append('\n');
        }
        cfg.append('\n');
    }

    /**
     * A rendered configuration without its servers' initial states: two configurations with the same
     * layout differ only in what the master CLI sets at run time, and need no reload.
     */
    static String layout(String rendered) {
        return STATE.matcher(rendered).replaceAll("$1");
    }

    /** A rendered configuration without its instances: what changes only with a reload. */
    static String frame(String rendered) {
        return SERVER.matcher(rendered).replaceAll("");
    }

    /** The instances a rendered configuration lists as servers (each is in both backends). */
    static java.util.Set<Server> serversOf(String rendered) {
        java.util.Set<Server> found = new java.util.LinkedHashSet<>();
        var m = SERVER.matcher(rendered);
        while (m.find()) {
            found.add(new Server(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
        }
        return found;
    }
}
