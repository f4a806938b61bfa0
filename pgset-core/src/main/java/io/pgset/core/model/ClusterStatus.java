package io.pgset.core.model;

import java.util.List;
import java.util.Map;

/**
 * The cluster as status shows it ({@code pgset status -o json}).
 *
 * @param primary  the ready primary's name, or null when there is none
 * @param message  what the cluster is waiting for, or empty
 * @param services rw / ro endpoints, filled in by the runtime that serves them
 * @param specVersion the version of the spec this status was planned from (see SpecReader.version)
 * @param switchover  the last switchover the controller began: in progress, or how it ended; null before any
 * @param conditions  Ready, Progressing, Degraded, SpecInvalid, StorageFull ({@link Conditions}); empty until
 *                    the runtime publishing the status computes them
 * @param stalled     why a rollout makes no progress and how to go back, when it makes none; empty otherwise
 * @param archive     the ready primary's WAL archiving when the spec has a backup section; null otherwise
 */
public record ClusterStatus(
        String name,
        Phase phase,
        String primary,
        int instances,
        int readyInstances,
        List<PodStatus> pods,
        List<VolumeStatus> volumes,
        Map<String, ServiceStatus> services,
        String message,
        String specVersion,
        Switchover switchover,
        List<Condition> conditions,
        String stalled,
        ArchiveStatus archive) {

    public ClusterStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        stalled = stalled == null ? "" : stalled;
    }

    public ClusterStatus(String name, Phase phase, String primary, int instances, int readyInstances,
                         List<PodStatus> pods, List<VolumeStatus> volumes, Map<String, ServiceStatus> services,
                         String message, String specVersion, Switchover switchover, List<Condition> conditions) {
        this(name, phase, primary, instances, readyInstances, pods, volumes, services, message, specVersion,
                switchover, conditions, "", null);
    }

    public ClusterStatus withStalled(String why) {
        return new ClusterStatus(name, phase, primary, instances, readyInstances, pods, volumes, services, message,
                specVersion, switchover, conditions, why, archive);
    }

    public ClusterStatus withServices(Map<String, ServiceStatus> endpoints) {
        return new ClusterStatus(name, phase, primary, instances, readyInstances, pods, volumes, endpoints, message,
                specVersion, switchover, conditions, stalled, archive);
    }

    public ClusterStatus withPhase(Phase newPhase, String why) {
        return new ClusterStatus(name, newPhase, primary, instances, readyInstances, pods, volumes, services, why,
                specVersion, switchover, conditions, stalled, archive);
    }

    public ClusterStatus withSwitchover(Switchover last) {
        return new ClusterStatus(name, phase, primary, instances, readyInstances, pods, volumes, services, message,
                specVersion, last, conditions, stalled, archive);
    }

    public ClusterStatus withArchive(ArchiveStatus primaryArchive) {
        return new ClusterStatus(name, phase, primary, instances, readyInstances, pods, volumes, services, message,
                specVersion, switchover, conditions, stalled, primaryArchive);
    }

    public ClusterStatus withConditions(List<Condition> computed) {
        return new ClusterStatus(name, phase, primary, instances, readyInstances, pods, volumes, services, message,
                specVersion, switchover, computed, stalled, archive);
    }

    /**
     * A switchover the controller began, carried on over its passes until it ends.
     *
     * @param checkpoint the old primary's shutdown checkpoint, which the target must have received
     * @param startedAt  when the old primary was stopped (ISO-8601): identifies the switchover
     * @param message    how it ended, when it did not end well
     */
    public record Switchover(String from, String to, String checkpoint, String startedAt, State state,
                             String message) {

        public enum State {
            IN_PROGRESS,
            /** The target received everything and is the primary. */
            DONE,
            /** The target did not catch up in time; the old primary took the role back. */
            ABORTED,
            /** A promotion failed; the failover rules take over from here. */
            FAILED
        }

        public boolean over() {
            return state != State.IN_PROGRESS;
        }
    }

    /**
     * One instance; {@code pid} is the instance process's, {@code lagBytes} replay lag behind the
     * primary, {@code lagSeconds} the same in time (see {@link InstanceStatus#lagSeconds()}), {@code pendingRestart} the parameters it takes only at its next restart,
     * {@code certificateExpires} when its server certificate expires (empty without TLS),
     * {@code storage} its volume: bytes used, capacity, level against the alert, free space, whether it is
     * full, and data kept aside there (the one place a pod's volume use is reported),
     * {@code activity} its client connections and commit count.
     */
    public record PodStatus(String name, int ordinal, String role, boolean ready, String host, int port, long pid,
                            long timeline, String lsn, long lagBytes, double lagSeconds, String volume, int restarts, String message,
                            List<PendingRestart> pendingRestart, String certificateExpires,
                            InstanceStatus.Storage storage, InstanceStatus.Activity activity) {
        public PodStatus {
            storage = storage == null ? InstanceStatus.Storage.UNKNOWN : storage;
            pendingRestart = pendingRestart == null ? List.of() : List.copyOf(pendingRestart);
            certificateExpires = certificateExpires == null ? "" : certificateExpires;
            activity = activity == null ? InstanceStatus.Activity.UNKNOWN : activity;
        }

        /** An instance whose volume use and clients were not asked. */
        public PodStatus(String name, int ordinal, String role, boolean ready, String host, int port, long pid,
                         long timeline, String lsn, long lagBytes, double lagSeconds, String volume, int restarts,
                         String message, List<PendingRestart> pendingRestart, String certificateExpires,
                         InstanceStatus.Storage storage) {
            this(name, ordinal, role, ready, host, port, pid, timeline, lsn, lagBytes, lagSeconds, volume, restarts,
                    message, pendingRestart, certificateExpires, storage, InstanceStatus.Activity.UNKNOWN);
        }
    }

    /** A volume; {@code boundTo} is null when it is retained but no desired instance uses it. */
    public record VolumeStatus(String name, String path, String boundTo) {}

    /** A service endpoint; {@code uri} is a libpq URI without the password. */
    public record ServiceStatus(String host, int port, String uri) {}
}
