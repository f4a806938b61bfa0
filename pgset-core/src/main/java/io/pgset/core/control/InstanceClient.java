package io.pgset.core.control;

import io.pgset.core.model.InstanceStatus;
import java.util.List;

/** Talks to an instance manager's API. */
public interface InstanceClient {

    /** Never throws: an unreachable instance yields {@link InstanceStatus#unreachable}. */
    InstanceStatus status(PodState pod);

    void ensureSlots(PodState primary, List<String> slots) throws Exception;

    /** Promotes a replica; returns once it accepts writes. */
    void promote(PodState pod) throws Exception;

    /**
     * Stops the primary cleanly and restarts it as a replica of {@code newPrimary}.
     *
     * @return the LSN of its shutdown checkpoint
     */
    String demote(PodState primary, PodState newPrimary) throws Exception;

    /** Makes {@code pod} stream from {@code primary}. */
    void follow(PodState pod, PodState primary) throws Exception;

    /** Makes the instance load the current spec's configuration; returns once postgres has reloaded it. */
    void reload(PodState pod) throws Exception;

    /** Stops postgres cleanly; its instance manager starts it again with the current configuration. */
    void restart(PodState pod) throws Exception;
}
