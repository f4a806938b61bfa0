package io.pgset.local.dashboard;

import java.util.List;

/**
 * What the dashboard page shows, sent whole on every update.
 *
 * @param at             when it was made, in milliseconds since the epoch
 * @param cluster        the cluster's name
 * @param phase          Healthy, Progressing or Degraded
 * @param message        what the cluster waits for, or empty
 * @param primary        the ready primary, or empty when there is none
 * @param instances      how many instances the spec asks for
 * @param readyInstances how many of them are ready
 * @param capacityBytes  each volume's capacity, spec.storage.size
 * @param pods           the instances, by ordinal
 * @param events         the last events, oldest first
 * @param history        the samples the charts draw, oldest first
 */
record Frame(long at, String cluster, String phase, String message, String primary, int instances,
             int readyInstances, long capacityBytes, List<Pod> pods, List<ShownEvent> events, List<Sample> history) {

    /**
     * One instance.
     *
     * @param connections client connections; -1 when unknown
     * @param tps         commits per second over the last seconds; -1 when not yet known
     * @param freeBytes   free space on the volume's filesystem; -1 when unknown
     * @param message     why it is not ready, or empty
     */
    record Pod(String name, String role, boolean ready, long timeline, long lagBytes, double lagSeconds,
               int connections, double tps, long volumeBytes, long freeBytes, boolean volumeFull, String message) {}

    /** What, when it changes, is sent at once rather than at the next tick: who is primary, who is ready. */
    String shape() {
        StringBuilder s = new StringBuilder(phase).append('|').append(primary);
        pods.forEach(p -> s.append('|').append(p.name()).append(':').append(p.role()).append(':').append(p.ready()));
        return s.toString();
    }
}
