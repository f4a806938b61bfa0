package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the cluster's HAProxy in line with the controller's status, once per pass: starts it when
 * none runs (a running one is adopted as it is), reloads it when the layout changed, and otherwise
 * only moves servers in and out through the master CLI ({@link ServiceRouting}). Closing the
 * controller leaves HAProxy running: the services outlive the controller.
 */
final class HaproxyServices {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.service");

    private final ClusterHome home;
    private final Services services;
    private final int refusal;
    private final HaproxyProcess haproxy;
    /** What the running HAProxy routes to, as far as this controller has set it; empty when unknown. */
    private Optional<ServiceRouting> applied = Optional.empty();

    HaproxyServices(ClusterHome home, Services services, int refusal) {
        this.home = home;
        this.services = services;
        this.refusal = refusal;
        this.haproxy = new HaproxyProcess(home);
    }

    /** Brings HAProxy in line with this status and spec; throws when it cannot (the next pass retries). */
    void update(ClusterStatus status, ClusterSpec spec) {
        HaproxyConfig config = new HaproxyConfig(home.name(), services, refusal, spec.network().allow(),
                status.pods().stream().filter(p -> p.port() > 0)
                        .map(p -> new HaproxyConfig.Server(p.name(), p.host(), p.port())).toList(),
                "root".equals(System.getProperty("user.name")));
        ServiceRouting routing = ServiceRouting.of(status);
        String rendered = config.render(routing);
        try {
            if (haproxy.running().isEmpty()) {
                haproxy.start(rendered);
                applied = Optional.of(routing);
                LOG.info("cluster={} HAProxy started for rw {} and ro {} (pid {})", home.name(), services.rw(),
                        services.ro(), haproxy.running().map(ProcessHandle::pid).orElse(0L));
                return;
            }
            String current = haproxy.currentConfig();
            if (!HaproxyConfig.layout(rendered).equals(HaproxyConfig.layout(current))) {
                ServerChanges changes = ServerChanges.between(HaproxyConfig.serversOf(current), config.servers());
                if (!HaproxyConfig.frame(rendered).equals(HaproxyConfig.frame(current)) || !changeServers(changes)) {
                    haproxy.reload(rendered);
                    applied = Optional.of(routing);
                    LOG.info("cluster={} HAProxy reloaded: {} servers, network.allow {}", home.name(),
                            config.servers().size(), spec.network().allow());
                    return;
                }
                haproxy.rewrite(rendered);
                applied = applied.map(changes::after);
                LOG.info("cluster={} HAProxy now has {} servers, changed without a reload", home.name(),
                        config.servers().size());
            }
            route(routing, config.serverNames());
        } catch (IOException e) {
            applied = Optional.empty(); // set every state again next time
            throw new UncheckedIOException("cannot bring HAProxy in line (" + haproxy.log() + ")", e);
        }
    }

    /**
     * Adds and deletes servers through the master CLI; false when HAProxy refused a deletion (a
     * session not yet gone), and the caller reloads instead.
     */
    private boolean changeServers(ServerChanges changes) throws IOException {
        for (List<String> deletion : changes.delete()) {
            String answer = haproxy.cli().send(String.join("; ", deletion.stream().map(c -> "@1 " + c).toList()));
            // One "Server deleted." for each backend, or the server is still in one of them.
            if (answer.split("Server deleted\\.", -1).length - 1 != ServerChanges.BACKENDS.size()) {
                LOG.info("cluster={} HAProxy kept a server to delete ({}): reloading instead", home.name(),
                        answer.strip().replace('\n', ' '));
                return false;
            }
        }
        for (String add : changes.add()) {
            String answer = haproxy.cli().send("@1 " + add);
            if (!answer.contains("New server registered.")) {
                throw new IOException("HAProxy answered `" + add + "` with: " + answer.strip());
            }
        }
        return true;
    }

    private void route(ServiceRouting routing, List<String> servers) throws IOException {
        List<String> commands = routing.commandsFrom(applied, servers);
        if (commands.isEmpty()) {
            return;
        }
        // One line, in order: the old server is out before the new one is in.
        String answer = haproxy.cli().send(String.join("; ", commands.stream().map(c -> "@1 " + c).toList()));
        if (!answer.isBlank()) {
            throw new IOException("HAProxy answered `" + String.join("; ", commands) + "` with: " + answer.strip());
        }
        if (!applied.equals(Optional.of(routing))) {
            LOG.info("cluster={} rw -> {}, ro -> {}", home.name(), new java.util.TreeSet<>(routing.rw()),
                    new java.util.TreeSet<>(routing.ro()));
        }
        applied = Optional.of(routing);
    }

    /** The running HAProxy master's pid, or -1 when none runs. */
    long pid() {
        return haproxy.running().map(ProcessHandle::pid).orElse(-1L);
    }

    /** Stops a cluster's HAProxy: for down and delete. */
    static void stop(ClusterHome home) throws IOException {
        new HaproxyProcess(home).stop();
    }
}
