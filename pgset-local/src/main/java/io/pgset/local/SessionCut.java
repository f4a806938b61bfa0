package io.pgset.local;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which sockets end a routed session, from what {@code conntrack -L} lists: the client's, connected
 * to the service port, and the instance's, connected to the client's port. Pure: {@link Nftables#cut}
 * runs it.
 */
final class SessionCut {

    /** Clients per {@code ss} filter: a few hundred ports keep one filter well within what ss parses. */
    static final int PER_FILTER = 100;
    /** The original direction of a flow: the client's port, then the port it connected to. */
    private static final Pattern ORIGINAL = Pattern.compile("sport=(\\d+) dport=(\\d+)");

    private SessionCut() {}

    /** The client ports of the flows to {@code service} in a {@code conntrack -L} listing (one flow a line). */
    static List<Integer> clientPorts(String listing, int service) {
        TreeSet<Integer> ports = new TreeSet<>();
        for (String line : listing.split("\n")) {
            Matcher original = ORIGINAL.matcher(line);
            if (original.find() && Integer.parseInt(original.group(2)) == service) {
                ports.add(Integer.parseInt(original.group(1)));
            }
        }
        return List.copyOf(ports);
    }

    /**
     * {@code ss} filters that select, for these clients, their sockets to {@code 127.0.0.1:service}
     * and the instance's sockets from {@code instance} to them; none without clients.
     */
    static List<String> socketFilters(int service, int instance, List<Integer> clients) {
        List<String> filters = new ArrayList<>();
        for (int from = 0; from < clients.size(); from += PER_FILTER) {
            List<Integer> some = clients.subList(from, Math.min(clients.size(), from + PER_FILTER));
            filters.add("( dst " + Ports.LOOPBACK + " and dport = :" + service + " and " + any("sport", some)
                    + " ) or ( src " + Ports.LOOPBACK + " and sport = :" + instance + " and " + any("dport", some)
                    + " )");
        }
        return filters;
    }

    private static String any(String field, List<Integer> ports) {
        List<String> terms = ports.stream().map(p -> field + " = :" + p).toList();
        return "( " + String.join(" or ", terms) + " )";
    }
}
