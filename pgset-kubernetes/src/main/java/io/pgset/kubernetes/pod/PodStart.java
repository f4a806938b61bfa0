package io.pgset.kubernetes.pod;

import java.util.Optional;

/**
 * How a pod's instance manager brings up its postgres, decided from the primary the operator
 * recorded on the StatefulSet (the same record the controller keeps locally):
 *
 * <ul>
 *   <li>no primary recorded yet: ordinal 0 may create the cluster's database on an empty volume;
 *       any other ordinal waits, since the operator adds it only once there is a primary;</li>
 *   <li>this pod is the recorded primary: it starts on its own, as the primary (an empty volume
 *       is then an error, never silently a new database);</li>
 *   <li>another pod is: it clones from that one (empty volume), or follows it, rewinding first
 *       when its data is a former primary's. A fenced primary's pod, recreated after a failover,
 *       so comes back as a replica and never as a second primary.</li>
 * </ul>
 */
public record PodStart(Optional<String> upstream, boolean newDatabase, Optional<String> waitReason) {

    public static PodStart decide(String cluster, PodIdentity self, Optional<String> recordedPrimary) {
        if (recordedPrimary.isEmpty()) {
            if (self.ordinal() == 0) {
                return new PodStart(Optional.empty(), true, Optional.empty());
            }
            return waiting("no primary is recorded on StatefulSet " + cluster + " yet (annotation "
                    + ClusterLookup.PRIMARY_ANNOTATION + "); the operator records " + cluster
                    + "-0 once it is ready, and adds " + self.name() + " after that");
        }
        if (recordedPrimary.get().equals(self.name())) {
            return new PodStart(Optional.empty(), false, Optional.empty());
        }
        return new PodStart(recordedPrimary, false, Optional.empty());
    }

    static PodStart waiting(String why) {
        return new PodStart(Optional.empty(), false, Optional.of(why));
    }
}
