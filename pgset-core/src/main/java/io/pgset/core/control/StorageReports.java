package io.pgset.core.control;

import io.pgset.core.model.InstanceStatus;
import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * What the instances say of their volumes that needs a person, as warnings: a volume full (so
 * postgres cannot write), and data an instance could not use and kept aside. Pure.
 */
final class StorageReports {

    private StorageReports() {}

    static List<Event> of(Observation observed) {
        String cluster = observed.spec().name();
        List<Event> events = new ArrayList<>();
        for (ObservedPod pod : observed.pods()) {
            InstanceStatus.Storage storage = pod.status().storage();
            if (storage.full()) {
                events.add(Event.warning(Event.Reason.VolumeFull, cluster, pod.name(), pod.name() + ": volume full,"
                        + " postgres cannot write there; it starts again by itself once there is room (free space or"
                        + " a larger volume)"));
            }
            for (String kept : storage.keptCopies()) {
                events.add(Event.warning(Event.Reason.DataMovedAside, cluster, pod.name(), pod.name() + " kept data it"
                        + " could not use aside at " + observed.spec().volumeName(pod.ordinal()) + "/" + kept
                        + "; delete it once nothing in it is needed"));
            }
        }
        return events;
    }
}
