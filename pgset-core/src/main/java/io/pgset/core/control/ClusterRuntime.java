package io.pgset.core.control;

import java.util.List;
import java.util.Optional;

/**
 * What carries out the controller's decisions: local processes and directories, or Kubernetes
 * pods and volume claims.
 */
public interface ClusterRuntime {

    List<PodState> pods();

    List<VolumeState> volumes();

    /** The pod last seen as primary, kept across controller restarts; empty for a new cluster. */
    Optional<String> recordedPrimary();

    void recordPrimary(String pod);

    /**
     * Creates the instance with this ordinal on its own volume.
     *
     * @param upstream    the primary it clones from and follows; empty means it starts on its
     *                    own (a new cluster's first instance, or the former primary after a stop)
     * @param newDatabase with no upstream, whether it may create a new database on an empty volume
     */
    void createPod(int ordinal, Optional<PodState> upstream, boolean newDatabase) throws Exception;

    /** Stops the instance gracefully; its volume stays. */
    void deletePod(PodState pod) throws Exception;

    /**
     * Makes sure the pod can accept no more writes, whatever state it is in: its processes are
     * killed (locally) or the pod is deleted (Kubernetes). It is recreated later like any lost pod.
     */
    void fence(String pod) throws Exception;

    /**
     * How long a lost primary may still accept writes after it was last seen, whatever
     * {@link #fence} does: no failover promotes anyone sooner. Zero where fencing kills the
     * processes for certain.
     */
    default java.time.Duration fenceSettles() {
        return java.time.Duration.ZERO;
    }

    /**
     * {@link #fenceSettles()} for this lost primary: a runtime that can prove its processes have
     * stopped answers less (Kubernetes: zero once the kubelet reported its pod's containers
     * terminated).
     */
    default java.time.Duration fenceSettles(String lostPrimary) {
        return fenceSettles();
    }

    /** Removes an ordinal's volume for good (scale-down with retainOnScaleDown false). */
    void deleteVolume(int ordinal) throws Exception;
}
