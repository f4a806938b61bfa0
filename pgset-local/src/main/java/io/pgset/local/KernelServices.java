package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps the cluster's kernel routes ({@link KernelRoutes}) in line with the controller's status,
 * once per pass, after HAProxy: a table is written only when what it routes changed, and the
 * sessions of instances a service left are then cut. Like HAProxy, the table outlives the
 * controller; {@code down} and {@code delete} remove it, and a controller that starts removes the
 * tables whose HAProxy is gone.
 *
 * <p>The kernel routes only when pgset may change the firewall (it runs as root, with nft and
 * conntrack installed) and {@value #ENV} is not {@code off}; otherwise HAProxy serves alone, as it
 * always can. Which of the two serves is logged once at the controller's start.
 */
public final class KernelServices {

    /** {@code off}: leave rw and ro to HAProxy alone, even where the kernel could route them; {@code on} (or unset): route. */
    static final String ENV = "PGSET_KERNEL_SERVICES";
    static final String PREFIX = "pgset_";
    /** What {@value #ENV} may say; unset is on. */
    static final java.util.Set<String> SETTINGS = java.util.Set.of("", "on", "off");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.service");

    private final ClusterHome home;
    private final Services services;
    private final String table;
    private void remove() {
        try {
            Nftables.delete(table);
            applied = Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove the kernel routes of rw and ro: " + e.getMessage(), e);
        }
    }

    /** Why the kernel does not route, once that is known; empty while it may. */
    private Optional<String> off;
    /** The routes last written, empty before the first or after a failed write. */
    private Optional<KernelRoutes> applied = Optional.empty();

    KernelServices(ClusterHome home, Services services, String setting) {
        this.home = home;
        this.services = services;
        this.table = tableName(home.dir());
        this.off = setting.equalsIgnoreCase("off") ? Optional.of(ENV + "=off") : Nftables.missing();
        if (off.isEmpty()) {
            sweep();
        }
    }

    /**
     * Brings the table in line with this status and spec, for the HAProxy with this pid; throws when
     * it cannot (the next pass retries). Does nothing once the kernel is known not to route here.
     */
    void update(ClusterStatus status, ClusterSpec spec, long haproxy) {
        if (off.isPresent()) {
            return;
        }
        if (haproxy < 0) {
            remove(); // no listener holds the ports: nothing may route to them
            return;
        }
        ServiceRouting routing = ServiceRouting.of(status);
        List<ClusterStatus.PodStatus> pods = status.pods().stream()
                .filter(p -> p.port() > 0 && Ports.LOOPBACK.equals(p.host())).toList();
        KernelRoutes routes = new KernelRoutes(table, haproxy, services, spec.network().allow(),
                ports(pods, routing.rw()), ports(pods, routing.ro()));
        if (applied.equals(Optional.of(routes))) {
            return;
        }
        try {
            Nftables.apply(routes.render());
        } catch (IOException e) {
            if (applied.isEmpty() && e.getMessage().contains("Operation not permitted")) {
                off = Optional.of("pgset may not change the firewall (run it as root for kernel routing)");
                LOG.info("cluster={} rw and ro are served by HAProxy alone: {}", home.name(), off.get());
                return;
            }
            applied = Optional.empty();
            throw new IllegalStateException("cannot write the kernel routes of rw and ro: " + e.getMessage(), e);
        }
        if (applied.isEmpty()) {
            LOG.info("cluster={} rw and ro are routed by the kernel (nftables table {}), HAProxy behind", home.name(), table);
        }
        Optional<KernelRoutes> before = applied;
        applied = Optional.of(routes);
        Set<Integer> servers = pods.stream().map(ClusterStatus.PodStatus::port).collect(Collectors.toSet());
        for (int[] cut : routes.cuts(servers, before)) {
            try {
                Nftables.cut(cut[0], cut[1]);
            } catch (IOException e) {
                // The guard already drops their packets; the sessions end when their clients give up.
                LOG.warn("cluster={} sessions from {} to {} not cut: {}", home.name(), cut[0], cut[1], e.getMessage());
            }
        }
    }

    /** Why the kernel does not route this cluster's services, or empty when it does or may. */
    Optional<String> off() {
        return off;
    }

    private static List<Integer> ports(List<ClusterStatus.PodStatus> pods, Set<String> names) {
        return pods.stream().filter(p -> names.contains(p.name())).map(ClusterStatus.PodStatus::port).toList();
    }

    /** Removes a cluster's table: for down and delete. */
    static void stop(ClusterHome home) throws IOException {
        if (Nftables.program("nft").isPresent()) {
            try {
                Nftables.delete(tableName(home.dir()));
            } catch (IOException e) {
                if (!e.getMessage().contains("Operation not permitted")) {
                    throw e;
                }
            }
        }
    }

    /**
     * Removes every pgset table whose HAProxy is gone: the pid its comment names is not a running
     * HAProxy of the cluster folder the table is named after. Never throws.
     */
    public static void sweep() {
        try {
            if (Nftables.program("nft").isEmpty()) {
                return;
            }
            for (String name : Nftables.tables(PREFIX)) {
                Optional<String> listing = Nftables.list(name);
                long pid = listing.map(KernelRoutes::haproxyOf).orElse(-1L);
                if (listing.isPresent() && !servesFor(pid, name)) {
                    Nftables.delete(name);
                    LOG.info("removed the kernel routes {}: their HAProxy (pid {}) is gone", name, pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no sweep of kernel routes: {}", e.getMessage());
        }
    }

    /** Whether pid is a running HAProxy whose configuration is in the cluster folder that names this table. */
    private static boolean servesFor(long pid, String table) {
        Optional<String> command = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(p -> p.info().arguments().map(List::of))
                .flatMap(args -> {
                    int f = args.indexOf("-f");
                    return f >= 0 && f + 1 < args.size() ? Optional.of(args.get(f + 1)) : Optional.empty();
                });
        return command.map(config -> Path.of(config).getParent()).map(Path::getParent)
                .map(KernelServices::tableName).filter(table::equals).isPresent();
    }

    /** The table's name: the cluster folder's digest, so that one pgset home's clusters never share one. */
    public static String tableName(Path clusterDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(clusterDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
