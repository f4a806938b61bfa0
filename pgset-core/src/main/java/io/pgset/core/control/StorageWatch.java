package io.pgset.core.control;

import io.pgset.core.model.Conditions;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.StorageLevel;
import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.Observation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells when an instance's volume crosses its alert ({@code storage.alertPercent}) or reaches its
 * capacity (warnings), and when it is below the alert again (a normal event), once each: the
 * conditions {@code StorageNearlyFull} and {@code StorageFull} say how it is now, the events say
 * when it changed. An instance that does not answer, or has not measured yet, changes nothing.
 */
final class StorageWatch {

    /** The last known level of each instance's volume, by pod name. */
    private final Map<String, StorageLevel> levels = new HashMap<>();

    /**
     * Levels told before this watch existed (a restarted operator reads them back from the status
     * it published), so that a volume still above its alert is not told of again. Levels this
     * watch has seen itself win; {@link StorageLevel#UNKNOWN} tells nothing and is left out.
     */
    void knownBefore(Map<String, StorageLevel> published) {
        published.forEach((pod, level) -> {
            if (level != StorageLevel.UNKNOWN) {
                levels.putIfAbsent(pod, level);
            }
        });
    }

    /** The events of this pass: one per instance whose volume's level changed since the last. */
    List<Event> next(Observation observed) {
        String cluster = observed.spec().name();
        List<Event> events = new ArrayList<>();
        for (ObservedPod pod : observed.pods()) {
            InstanceStatus.Storage storage = pod.status().storage();
            StorageLevel now = storage.level();
            if (now == StorageLevel.UNKNOWN) {
                continue;
            }
            StorageLevel before = levels.getOrDefault(pod.name(), StorageLevel.OK);
            levels.put(pod.name(), now);
            if (now == before) {
                continue;
            }
            String message = Conditions.nearlyFullMessage(pod.name(), storage);
            if (now == StorageLevel.FULL) {
                events.add(Event.warning(Event.Reason.StorageAtCapacity, cluster, pod.name(), message));
            } else if (now == StorageLevel.NEARLY_FULL && before == StorageLevel.OK) {
                events.add(Event.warning(Event.Reason.StorageNearlyFull, cluster, pod.name(), message));
            } else if (now == StorageLevel.OK) {
                events.add(Event.normal(Event.Reason.StorageRecovered, cluster, pod.name(), pod.name() + " volume "
                        + storage.describeUse() + ", below the alert at " + storage.alertPercent() + "% again"));
            }
        }
        return events;
    }
}
