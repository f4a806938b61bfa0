package io.pgset.local;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which instances each service sends new connections to, and the HAProxy runtime commands that
 * move from one such routing to the next. Pure: the controller computes it from its status.
 *
 * <ol>
 *   <li>{@code rw} routes to the ready primary only, and only while exactly one ready instance
 *       says it is primary and it is the one the status names: during a split (an old primary
 *       back before it is fenced) new writes wait rather than risk going to the wrong one.
 *       {@code ro} routes to the ready replicas, or to the primary while there is none.</li>
 *   <li>A move takes servers out first and puts servers in after, so that {@code rw} never routes
 *       to two instances, not even between two commands.</li>
 *   <li>A server taken out has its open sessions cut ({@code shutdown sessions server}), so that no
 *       client keeps writing to an instance {@code rw} no longer points at.</li>
 *   <li>A controller that has just started, and so adopted services that already route, changes
 *       nothing while the recorded primary has not answered yet ({@link #unconfirmed}): a first
 *       pass that could not reach it (a machine under load) would otherwise take {@code rw} away
 *       and cut every open session, though nothing changed but the controller.</li>
 * </ol>
 *
 * @param rw the servers (instance names) {@code rw} routes to
 * @param ro the servers {@code ro} routes to
 */
record ServiceRouting(Set<String> rw, Set<String> ro) {

    static final String RW = "rw";
    static final String RO = "ro";

    ServiceRouting {
        rw = Set.copyOf(rw);
        ro = Set.copyOf(ro);
    }

    static ServiceRouting of(ClusterStatus status) {
        Set<String> claiming = names(status.pods().stream().filter(p -> p.ready() && "primary".equals(p.role())));
        Set<String> primary = claiming.size() == 1 && status.primary() != null && claiming.contains(status.primary())
                ? claiming : Set.of();
        Set<String> replicas = names(status.pods().stream()
                .filter(p -> p.ready() && "replica".equals(p.role()) && p.ordinal() < status.instances()));
        return new ServiceRouting(primary, replicas.isEmpty() ? primary : replicas);
    }

    /**
     * Whether no instance is a ready primary and the one recorded as primary did not say what it is
     * this pass (its API did not answer, or its postgres is not up): nothing confirms or denies the
     * routing that runs. A controller that adopted running services leaves them as they are until
     * it is not.
     */
    static boolean unconfirmed(ClusterStatus status, Optional<String> recordedPrimary) {
        return status.primary() == null && recordedPrimary.isPresent() && status.pods().stream()
                .anyMatch(p -> p.name().equals(recordedPrimary.get()) && Role.UNKNOWN.label().equals(p.role()));
    }

    private static Set<String> names(Stream<ClusterStatus.PodStatus> pods) {
        return pods.map(ClusterStatus.PodStatus::name).collect(Collectors.toCollection(TreeSet::new));
    }

    boolean routes(String backend, String server) {
        return (RW.equals(backend) ? rw : ro).contains(server);
    }

    /**
     * The commands that take HAProxy from {@code from} to this routing, for these servers (every
     * instance known to both backends); with {@code from} unknown (a controller that has just
     * adopted a running HAProxy), every server's state is set.
     */
    List<String> commandsFrom(Optional<ServiceRouting> from, List<String> servers) {
        List<String> out = new ArrayList<>();
        List<String> in = new ArrayList<>();
        for (String backend : List.of(RW, RO)) {
            for (String server : servers) {
                boolean now = routes(backend, server);
                boolean before = from.map(f -> f.routes(backend, server)).orElse(!now);
                if (before && !now) {
                    out.add("set server " + backend + "/" + server + " state maint");
                    out.add("shutdown sessions server " + backend + "/" + server);
                } else if (!before && now) {
                    in.add("set server " + backend + "/" + server + " state ready");
                }
            }
        }
        out.addAll(in);
        return out;
    }
}
