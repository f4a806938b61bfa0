package io.pgset.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The nftables table through which the kernel routes new connections to a cluster's {@code rw} and
 * {@code ro} straight to the instance, in front of HAProxy: a destination NAT in the output hook,
 * as kube-proxy does for a Service, so that a session through {@code rw} costs what a direct one
 * does. Pure: {@link KernelServices} applies it.
 *
 * <ul>
 *   <li>Only connections from {@code network.allow}'s IPv4 ranges are routed, and only to a
 *       service that routes somewhere ({@link ServiceRouting}). Every other connection reaches
 *       HAProxy, which still listens on both ports: it refuses a client outside the allow-list with
 *       the reason, and closes one that finds no instance. So the kernel only ever takes a
 *       shortcut HAProxy would have taken.</li>
 *   <li>{@code ro} spreads new connections over its replicas in turn.</li>
 *   <li>A guard drops every packet of a routed session whose instance the service no longer routes
 *       to, in both directions: from the moment the table changes, nothing a client sends reaches
 *       an instance {@code rw} has left. {@link KernelServices} then cuts those sessions.</li>
 *   <li>The table's comment names the HAProxy in front of which it routes: a table whose HAProxy is
 *       gone is stale (its ports may be anyone's by now), and is removed ({@link KernelServices#sweep}).</li>
 *   <li>The table is replaced whole, in one transaction: no packet sees half of a change.</li>
 * </ul>
 *
 * @param table    the table's name ({@link KernelServices#tableName})
 * @param haproxy  the pid of the HAProxy master serving the same ports
 * @param services the rw and ro ports
 * @param allow    {@code spec.network.allow}; IPv6 ranges are left to HAProxy (the services listen on IPv4 loopback)
 * @param rw       the instance ports {@code rw} routes to (at most one)
 * @param ro       the instance ports {@code ro} routes to
 */
record KernelRoutes(String table, long haproxy, Services services, List<String> allow, List<Integer> rw, List<Integer> ro) {

    /** Before the NAT hook (-100), after connection tracking (-200): a guarded packet is never translated. */
    private static final int GUARD_PRIORITY = -150;
    private static final Pattern IPV4_RANGE = Pattern.compile("[0-9.]+/[0-9]+");
    private static final Pattern COMMENT = Pattern.compile("comment \"pgset haproxy=(\\d+)\"");

    KernelRoutes {
        allow = List.copyOf(allow);
        rw = List.copyOf(new TreeSet<>(rw));
        ro = List.copyOf(new TreeSet<>(ro));
        if (rw.size() > 1) {
            throw new IllegalArgumentException("rw routes to one instance at most, not " + rw);
        }
    }

    /** The nft script that replaces the table with this one. */
    String render() {
        StringBuilder nft = new StringBuilder();
        // Declared first so that the delete finds it, then deleted and declared again: one transaction.
        nft.append("table ip ").append(table).append(" {}\n");
        nft.append("delete table ip ").append(table).append('\n');
        nft.append("table ip ").append(table).append(" {\n");
        nft.append("    comment \"pgset haproxy=").append(haproxy).append("\"\n");
        nft.append("    chain route {\n        type nat hook output priority -100; policy accept;\n");
        List<String> ranges = allow.stream().filter(a -> IPV4_RANGE.matcher(a).matches()).toList();
        for (String range : ranges) {
            route(nft, services.rw(), range, rw);
            route(nft, services.ro(), range, ro);
        }
        nft.append("    }\n");
        nft.append("    chain guard {\n        type filter hook output priority ").append(GUARD_PRIORITY)
           .append("; policy accept;\n");
        guard(nft, services.rw(), rw);
        guard(nft, services.ro(), ro);
        nft.append("    }\n}\n");
        return nft.toString();
    }

    private static void route(StringBuilder nft, int service, String range, List<Integer> ports) {
        if (ports.isEmpty()) {
            return; // HAProxy has no instance for it either, and closes the connection
        }
        nft.append("        ip daddr ").append(Ports.LOOPBACK).append(" tcp dport ").append(service)
           .append(" ip saddr ").append(range).append(" dnat to ").append(Ports.LOOPBACK);
        if (ports.size() == 1) {
            nft.append(':').append(ports.get(0));
        } else {
            List<String> slots = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                slots.add(i + " : " + ports.get(i));
            }
            nft.append(" : numgen inc mod ").append(ports.size()).append(" map { ")
               .append(String.join(", ", slots)).append(" }");
        }
        nft.append('\n');
    }

    private static void guard(StringBuilder nft, int service, List<Integer> ports) {
        nft.append("        meta l4proto tcp ct status dnat ct original ip daddr ").append(Ports.LOOPBACK)
           .append(" ct original proto-dst ").append(service);
        if (!ports.isEmpty()) {
            nft.append(" ct reply proto-src != ").append(ports.size() == 1 ? ports.get(0).toString() : set(ports));
        }
        nft.append(" drop\n");
    }

    private static String set(List<Integer> ports) {
        return "{ " + String.join(", ", ports.stream().map(String::valueOf).toList()) + " }";
    }

    /**
     * The sessions to cut after this table replaced {@code before}, as {@code (service port,
     * instance port)}: for each service, every instance it routed to and does not now. Without the
     * table before (this controller's first, or one after a failed write), every instance port of
     * {@code servers} a service does not route to now: a controller before this one may have routed
     * there. Cutting where nothing was routed finds nothing, but costs a run of conntrack each, on
     * the path of each change of rw or ro.
     */
    List<int[]> cuts(Set<Integer> servers, Optional<KernelRoutes> before) {
        if (before.isPresent() && before.get().services().equals(services)) {
            List<int[]> cuts = new ArrayList<>();
            before.get().rw().stream().filter(port -> !rw.contains(port)).forEach(port -> cuts.add(
                    new int[] {services.rw(), port}));
            before.get().ro().stream().filter(port -> !ro.contains(port)).forEach(port -> cuts.add(
                    new int[] {services.ro(), port}));
            return cuts;
        }
        List<int[]> cuts = new ArrayList<>();
        for (int port : new TreeSet<>(servers)) {
            if (!rw.contains(port)) {
                cuts.add(new int[] {services.rw(), port});
            }
            if (!ro.contains(port)) {
                cuts.add(new int[] {services.ro(), port});
            }
        }
        return cuts;
    }

    /** The HAProxy pid a listed table names in its comment, or -1 when it names none. */
    static long haproxyOf(String listing) {
        var m = COMMENT.matcher(listing);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
