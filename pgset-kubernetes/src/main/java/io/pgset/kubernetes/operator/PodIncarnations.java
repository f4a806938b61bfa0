package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which incarnation (uid) of each pod name the operator has listed, so that a watched removal
 * speaks only for the pod it removed. Pods of one name come and go (the StatefulSet recreates
 * them), and the removals watch may lag or reconnect: a removal of an earlier {@code demo-0},
 * proven stopped long ago, must never vouch for a later {@code demo-0} that was force-deleted
 * while its postgres may still run.
 *
 * <ul>
 *   <li>A pod no longer listed: only the removal of the incarnation last listed counts.</li>
 *   <li>A pod listed under a new uid (a replacement): only the removal of the incarnation listed
 *       just before it counts.</li>
 *   <li>An incarnation this operator never listed (it restarted, or its runtime was made anew)
 *       has no removal that counts: its fate is unknown.</li>
 * </ul>
 */
final class PodIncarnations {

    private final Map<String, String> latest = new HashMap<>();
    private final Map<String, String> before = new HashMap<>();

    /** One look at the cluster's pods. */
    synchronized void listed(List<Pod> pods) {
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            String uid = pod.getMetadata().getUid();
            String known = latest.put(name, uid);
            if (known != null && !known.equals(uid)) {
                before.put(name, known);
            }
        }
    }

    /** The removal, if it is of the incarnation that the pod's fate is asked about. */
    synchronized Optional<PodFate.Removal> vouching(String name, Optional<Pod> listed, Optional<PodFate.Removal> removal) {
        String expected = listed.isPresent() ? before.get(name) : latest.get(name);
        return removal.filter(r -> expected != null && expected.equals(r.uid()));
    }
}
