package io.pgset.cli;

import io.pgset.core.model.ArchiveStatus;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Conditions;
import io.pgset.core.model.StorageLevel;
import java.io.PrintStream;

/** The human-readable form of a cluster's status. */
final class StatusTable {
    private StatusTable() {}

    /** @param guarantee what a failover may lose with the cluster's replication mode ({@code FailoverGuarantee}) */
    static void print(PrintStream out, ClusterStatus s, String guarantee) {
        out.printf("cluster %s: %s, %d/%d ready, primary %s%n", s.name(), s.phase().label(), s.readyInstances(),
                s.instances(), s.primary() == null ? "none" : s.primary());
        out.println("  " + guarantee);
        if (!s.message().isEmpty()) {
            out.println("  " + s.message());
        }
        if (!s.pods().isEmpty()) {
            out.printf("%n  %-14s %-8s %-6s %-8s %-6s %-4s %-12s %-10s %-9s %-16s %s%n", "INSTANCE", "ROLE", "READY", "PID",
                    "PORT", "TL", "LSN", "LAG", "LAG (s)", "VOLUME", "USED");
            for (ClusterStatus.PodStatus p : s.pods()) {
                boolean replica = "replica".equals(p.role());
                out.printf("  %-14s %-8s %-6s %-8d %-6d %-4d %-12s %-10s %-9s %-16s %s%n", p.name(), p.role(),
                        p.ready() ? "yes" : "no", p.pid(), p.port(), p.timeline(), p.lsn() == null ? "-" : p.lsn(),
                        replica ? bytes(p.lagBytes()) : "-", replica ? String.format("%.1f", p.lagSeconds()) : "-",
                        p.volume(), p.storage().describeUse().isEmpty() ? "-" : p.storage().describeUse());
            }
            for (ClusterStatus.PodStatus p : s.pods()) {
                StorageLevel level = p.storage().level();
                if (level == StorageLevel.NEARLY_FULL || level == StorageLevel.FULL) {
                    out.printf("  %s: %s%n", level == StorageLevel.FULL ? "VOLUME FULL" : "VOLUME NEARLY FULL",
                            Conditions.nearlyFullMessage(p.name(), p.storage()));
                }
            }
            s.pods().stream().filter(p -> !p.certificateExpires().isEmpty())
                    .min(java.util.Comparator.comparing(ClusterStatus.PodStatus::certificateExpires))
                    .ifPresent(p -> out.printf("  TLS: certificates valid until %s at the earliest (%s); renewed on"
                            + " their own, see `pgset certificates %s`%n", p.certificateExpires(), p.name(), s.name()));
            for (ClusterStatus.PodStatus p : s.pods()) {
                if (!p.pendingRestart().isEmpty()) {
                    out.printf("  %s restarts for: %s%n", p.name(), p.pendingRestart().stream()
                            .map(Object::toString).collect(java.util.stream.Collectors.joining(", ")));
                }
            }
        }
        if (s.archive() != null) {
            out.println("  " + archive(s));
        }
        out.printf("%n  %-8s %s%n", "SERVICE", "URI");
        s.services().forEach((name, svc) -> out.printf("  %-8s %s%n", name, svc.uri()));
        long unbound = s.volumes().stream().filter(v -> v.boundTo() == null).count();
        if (unbound > 0) {
            out.printf("%n  retained volumes not in use: %s%n", String.join(", ",
                    s.volumes().stream().filter(v -> v.boundTo() == null).map(ClusterStatus.VolumeStatus::name).toList()));
        }
        out.println();
    }

    /** The primary's WAL archive: the last segment archived and its age, and a failure in full. */
    static String archive(ClusterStatus s) {
        ArchiveStatus a = s.archive();
        String last = a.lastArchivedWal().isEmpty() ? "archive: nothing archived yet"
                : String.format("archive: last archived %s, %.0f s ago", a.lastArchivedWal(), a.lastArchivedAgeSeconds());
        return a.failing() ? last + "; FAILING: " + Conditions.failureMessage(s.primary(), a) : last;
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return n < 1024 * 1024 ? (n / 1024) + " kB" : (n / (1024 * 1024)) + " MB";
    }
}
