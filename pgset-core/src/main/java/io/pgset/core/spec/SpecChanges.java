package io.pgset.core.spec;

import io.pgset.core.model.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a new spec changes on a cluster that already exists, and which of those changes cannot be
 * applied to it. Bootstrap settings take effect only when a cluster is created, and a change of
 * PostgreSQL major version needs pg_upgrade, which pgset does not do: both are refused rather
 * than silently ignored.
 */
public final class SpecChanges {

    private SpecChanges() {}

    /** One line per changed field, {@code path: old -> new}; empty when nothing changed. */
    public static List<String> describe(ClusterSpec before, ClusterSpec after) {
        List<String> changes = new ArrayList<>();
        compare(changes, "spec.instances", before.instances(), after.instances());
        compare(changes, "spec.podManagementPolicy", before.podManagementPolicy().label(),
                after.podManagementPolicy().label());
        compare(changes, "spec.postgres.version", before.postgres().version(), after.postgres().version());
        compare(changes, "spec.postgres.binDir", before.postgres().binDir(), after.postgres().binDir());
        Map<String, String> was = before.postgres().parameters();
        Map<String, String> now = after.postgres().parameters();
        TreeSet<String> names = new TreeSet<>(was.keySet());
        names.addAll(now.keySet());
        for (String name : names) {
            compare(changes, "spec.postgres.parameters." + name, was.getOrDefault(name, "(default)"),
                    now.getOrDefault(name, "(default)"));
        }
        compare(changes, "spec.storage.size", before.storage().size(), after.storage().size());
        compare(changes, "spec.storage.retainOnScaleDown", before.storage().retainOnScaleDown(),
                after.storage().retainOnScaleDown());
        compare(changes, "spec.storage.retainOnDelete", before.storage().retainOnDelete(),
                after.storage().retainOnDelete());
        compare(changes, "spec.storage.alertPercent", before.storage().alertPercent(), after.storage().alertPercent());
        compare(changes, "spec.replication", before.replication(), after.replication());
        compare(changes, "spec.bootstrap.initdb", before.bootstrap().initdb(), after.bootstrap().initdb());
        compare(changes, "spec.backup", before.backup(), after.backup());
        compare(changes, "spec.tls", before.tls(), after.tls());
        compare(changes, "spec.network.allow", allow(before), allow(after));
        compare(changes, "spec.disruption", before.disruption(), after.disruption());
        compare(changes, "spec.failover", before.failover(), after.failover());
        compare(changes, "spec.logging.format", before.logging().format().map(f -> f.label()).orElse("(inherited)"),
                after.logging().format().map(f -> f.label()).orElse("(inherited)"));
        compare(changes, "spec.scheduling", before.scheduling(), after.scheduling());
        compare(changes, "spec.services", before.services(), after.services());
        return changes;
    }

    /** The changes that cannot be applied to an existing cluster, each saying why; empty when all can. */
    public static List<String> refused(ClusterSpec before, ClusterSpec after) {
        List<String> refused = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            refused.add("metadata.name: " + before.name() + " -> " + after.name() + ": a cluster cannot be renamed");
        }
        if (!before.bootstrap().equals(after.bootstrap())) {
            refused.add("spec.bootstrap: takes effect only when a cluster is created, and " + before.name()
                    + " exists; keep it as it is in the cluster's spec.yaml");
        }
        if (!before.postgres().version().equals(after.postgres().version())) {
            refused.add("spec.postgres.version: " + before.postgres().version() + " -> " + after.postgres().version()
                    + ": a major version upgrade needs pg_upgrade, which pgset does not do; create a new cluster and"
                    + " move the data");
        }
        if (after.storage().sizeBytes() < before.storage().sizeBytes()) {
            refused.add("spec.storage.size: " + before.storage().size() + " -> " + after.storage().size()
                    + ": a volume cannot shrink (a Kubernetes claim refuses a smaller request, and the data on it"
                    + " may not fit); keep " + before.storage().size() + " or more, or create a new cluster from a"
                    + " backup");
        }
        return refused;
    }

    /** Left out, it means the runtime's default, which differs from the same list written out on Kubernetes. */
    private static String allow(ClusterSpec spec) {
        return spec.network().allow() + (spec.network().given() ? "" : " (left out)");
    }

    private static void compare(List<String> changes, String path, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(path + ": " + before + " -> " + after);
        }
    }
}
