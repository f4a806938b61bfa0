package io.pgset.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The master CLI commands that take a running HAProxy from one set of instances to another
 * without a reload (HAProxy's dynamic servers): a reload starts a new worker and takes the
 * controller's loop a few hundred milliseconds, once for every instance created. Pure.
 *
 * <ul>
 *   <li>An instance that is gone, or whose address changed, leaves both backends: out of service,
 *       its sessions cut, then deleted. HAProxy deletes only a server in maintenance with no
 *       session left; when it refuses, the caller reloads instead.</li>
 *   <li>A new one joins both backends disabled; {@link ServiceRouting} then puts it in where it
 *       routes.</li>
 * </ul>
 *
 * @param delete per server to delete, its commands, in order
 * @param add    the commands that add the new servers
 * @param touched the names of the servers deleted or added
 */
record ServerChanges(List<List<String>> delete, List<String> add, Set<String> touched) {

    static final List<String> BACKENDS = List.of(ServiceRouting.RW, ServiceRouting.RO);

    static ServerChanges between(Set<HaproxyConfig.Server> running, List<HaproxyConfig.Server> wanted) {
        List<List<String>> delete = new ArrayList<>();
        Set<String> touched = new java.util.TreeSet<>();
        for (HaproxyConfig.Server server : running) {
            if (!wanted.contains(server)) {
                touched.add(server.name());
                List<String> commands = new ArrayList<>();
                for (String backend : BACKENDS) {
                    String name = backend + "/" + server.name();
                    commands.add("set server " + name + " state maint");
                    commands.add("shutdown sessions server " + name);
                    commands.add("del server " + name);
                }
                delete.add(commands);
            }
        }
        List<String> add = new ArrayList<>();
        for (HaproxyConfig.Server server : wanted) {
            if (!running.contains(server)) {
                touched.add(server.name());
                for (String backend : BACKENDS) {
                    add.add("add server " + backend + "/" + server.name() + " " + server.host() + ":" + server.port()
                            + " disabled");
                }
            }
        }
        return new ServerChanges(delete, add, touched);
    }

    /** What a service routed to before these changes, less the servers they delete or add (disabled). */
    ServiceRouting after(ServiceRouting before) {
        java.util.function.Function<Set<String>, Set<String>> less = names -> {
            Set<String> kept = new java.util.TreeSet<>(names);
            kept.removeAll(touched);
            return kept;
        };
        return new ServiceRouting(less.apply(before.rw()), less.apply(before.ro()));
    }
}
