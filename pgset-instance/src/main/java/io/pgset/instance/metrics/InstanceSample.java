package io.pgset.instance.metrics;

import io.pgset.core.model.InstanceStatus;

/**
 * Everything one scrape of {@code /metrics} reports, as the last sampling round left it.
 *
 * @param status         the instance manager's status (role, readiness, timeline, volume, certificate)
 * @param postgres       postgres's statistics views
 * @param process        postgres's process tree from /proc
 * @param capacityBytes  the volume's capacity (status.storage().capacityBytes(): storage.size, or less when the filesystem has less room); -1 when unknown
 * @param sampledAtMillis when the round began (epoch milliseconds); 0 before the first
 * @param sampleSeconds  how long the round took
 */
record InstanceSample(InstanceStatus status, PostgresSample postgres, ProcessTree.Usage process, long capacityBytes,
                      long sampledAtMillis, double sampleSeconds) {

    /** Before the first round: nothing is known, and pg_up says so. */
    static InstanceSample none(String pod) {
        return new InstanceSample(InstanceStatus.unreachable(pod, "not sampled yet"), PostgresSample.DOWN,
                ProcessTree.Usage.NONE, -1, 0, 0);
    }
}
