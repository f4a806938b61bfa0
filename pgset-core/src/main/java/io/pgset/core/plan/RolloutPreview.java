package io.pgset.core.plan;

import io.pgset.core.config.InstanceConfig;
import io.pgset.core.config.PostgresConfRenderer;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PodManagementPolicy;
import io.pgset.core.spec.ParameterCatalog.Context;
import io.pgset.core.spec.SpecChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What applying a spec would do, for {@code apply --dry-run}: the spec's changes, the changes that
 * would be refused, and, instance by instance, whether it is created, removed, reloaded or
 * restarted and why, in the order {@link RollingUpdatePlanner} would take.
 *
 * <p>It compares the whole configuration pgset would render for each role before and after, so a
 * setting pgset derives (max_wal_senders from the number of instances, synchronous_standby_names
 * from the replication mode) counts like one the user wrote. A setting takes effect at a restart
 * when the server's catalog says its context is postmaster; everything else is reloaded.
 *
 * @param changes   one line per changed field of the spec
 * @param refused   changes that cannot be applied, each saying why; nothing is applied then
 * @param instances one line per instance that something happens to
 */
public record RolloutPreview(List<String> changes, List<String> refused, List<String> instances) {

    /** The installed server, as the preview needs it. */
    public interface Server {
        /** When a new value of the parameter takes effect; empty for a name the server does not list. */
        Optional<Context> context(String parameter);

        /** The value postgres takes when nothing sets the parameter. */
        String serverDefault(String parameter);
    }

    /**
     * @param primary the instance that is primary now, when one is
     */
    public static RolloutPreview of(ClusterSpec before, ClusterSpec after, Optional<String> primary, Server server) {
        List<String> refused = SpecChanges.refused(before, after);
        List<String> changes = SpecChanges.describe(before, after);
        if (!refused.isEmpty()) {
            return new RolloutPreview(changes, refused, List.of());
        }
        String primaryName = primary.orElse(after.podName(0));
        List<String> restartFor = changed(before, after).stream()
                .filter(s -> server.context(s).map(Context::restart).orElse(false)).toList();
        List<String> reloadFor = changed(before, after).stream()
                .filter(s -> !server.context(s).map(Context::restart).orElse(false)).toList();
        boolean hba = !before.network().equals(after.network()) || !before.tls().equals(after.tls())
                || before.instances() != after.instances();
        List<String> lines = new ArrayList<>();
        int kept = Math.min(before.instances(), after.instances());
        for (int i = 0; i < kept; i++) {
            String pod = after.podName(i);
            String role = pod.equals(primaryName) ? " (primary)" : "";
            if (!restartFor.isEmpty()) {
                lines.add(pod + role + ": restarts for " + describe(before, after, restartFor, server)
                        + (reloadFor.isEmpty() ? "" : "; reloads " + String.join(", ", reloadFor) + " first"));
            } else if (!reloadFor.isEmpty() || hba) {
                lines.add(pod + role + ": reloads (no restart) for " + (reloadFor.isEmpty() ? "pg_hba.conf"
                        : String.join(", ", reloadFor) + (hba ? " and pg_hba.conf" : "")));
            }
        }
        String order = after.podManagementPolicy() == PodManagementPolicy.PARALLEL
                ? "together with the others (podManagementPolicy: Parallel)"
                : "in ordinal order, each after the one before is Ready";
        IntStream.range(before.instances(), after.instances()).forEach(i -> lines.add(after.podName(i)
                + ": created (scale up, " + order + "); it clones the primary"));
        IntStream.range(after.instances(), before.instances()).boxed().sorted((a, b) -> b - a)
                .forEach(i -> lines.add(before.podName(i) + ": removed (scale down, highest ordinal first); its volume "
                        + (after.storage().retainOnScaleDown() ? "is kept" : "is deleted")));
        if (after.storage().sizeBytes() > before.storage().sizeBytes()) {
            lines.add("volumes: capacity grows from " + before.storage().size() + " to " + after.storage().size()
                    + ", no restart (Kubernetes: each claim is expanded where its StorageClass allows)");
        }
        if (!restartFor.isEmpty() && kept > 0) {
            lines.add(order(before, after, restartFor, primaryName, kept, server));
        }
        if (lines.isEmpty() && !changes.isEmpty()) {
            lines.add("no instance reloads or restarts");
        }
        return new RolloutPreview(changes, refused, lines);
    }

    /** Whether anything at all would change. */
    public boolean changesAnything() {
        return !changes.isEmpty();
    }

    private static String order(ClusterSpec before, ClusterSpec after, List<String> restartFor, String primary,
                                int kept, Server server) {
        List<String> replicas = IntStream.range(0, kept).mapToObj(after::podName).filter(p -> !p.equals(primary))
                .sorted((a, b) -> b.compareTo(a)).toList();
        List<String> lowered = restartFor.stream().filter(s -> RollingUpdatePlanner.STANDBY_MINIMUMS.contains(s)
                && RollingUpdatePlanner.lowers(new io.pgset.core.model.PendingRestart(s, value(before, s, server),
                value(after, s, server)))).toList();
        if (replicas.isEmpty()) {
            return "order: " + primary + " restarts in place (a single instance: writes pause for the restart)";
        }
        if (!lowered.isEmpty()) {
            return "order: primary first, in place, because " + String.join(", ", lowered) + " goes down and a"
                    + " replica refuses to run below its primary; then the replicas one at a time: "
                    + String.join(", ", replicas);
        }
        return "order: replicas one at a time, highest ordinal first (" + String.join(", ", replicas)
                + "), each Ready before the next; then a switchover, and " + primary + " restarts last";
    }

    private static String describe(ClusterSpec before, ClusterSpec after, List<String> settings, Server server) {
        return settings.stream().map(s -> s + " " + shown(before, s, server) + " -> " + shown(after, s, server))
                .collect(Collectors.joining(", "));
    }

    private static String shown(ClusterSpec spec, String setting, Server server) {
        String value = settings(spec, false).get(setting);
        return value != null ? value : server.serverDefault(setting) + " (default)";
    }

    private static String value(ClusterSpec spec, String setting, Server server) {
        String value = settings(spec, false).get(setting);
        return value != null ? value : server.serverDefault(setting);
    }

    /** Settings whose rendered value differs between the two specs, on a primary or on a replica. */
    private static List<String> changed(ClusterSpec before, ClusterSpec after) {
        TreeSet<String> names = new TreeSet<>();
        for (boolean replica : new boolean[] {false, true}) {
            Map<String, String> was = settings(before, replica);
            Map<String, String> now = settings(after, replica);
            TreeSet<String> all = new TreeSet<>(was.keySet());
            all.addAll(now.keySet());
            all.stream().filter(n -> !Objects.equals(was.get(n), now.get(n))).forEach(names::add);
        }
        return List.copyOf(names);
    }

    /** The rendered settings of one instance of the spec; what differs between instances is kept the same. */
    private static Map<String, String> settings(ClusterSpec spec, boolean replica) {
        String pod = spec.podName(replica ? 1 : 0);
        Optional<InstanceConfig.Upstream> upstream = replica
                ? Optional.of(new InstanceConfig.Upstream("primary", 5432, "replication", "passfile", "slot"))
                : Optional.empty();
        Optional<InstanceConfig.Tls> tls = spec.tls().enabled()
                ? Optional.of(new InstanceConfig.Tls("server.crt", "server.key", "ca.crt", "client.crt", "client.key"))
                : Optional.empty();
        Map<String, String> settings = PostgresConfRenderer.settings(spec, new InstanceConfig(pod, "127.0.0.1", 5432,
                upstream, tls));
        // Names that differ per instance by construction, not by spec.
        settings.remove("cluster_name");
        settings.remove("primary_conninfo");
        settings.remove("primary_slot_name");
        return settings;
    }
}
