package io.pgset.core.control;

import io.pgset.core.model.InstanceStatus.Clone;
import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Says how each replica's data was last made anew, as its instance reports it: restored from the
 * backup repository (which backup, how long) or copied by pg_basebackup (and why not from the
 * repository). A restore that failed and fell back is a warning: the repository may need a look.
 * Each clone is told once, since its time tells it from the next.
 */
final class CloneEvents {

    private CloneEvents() {}

    static List<Event> of(Observation observed) {
        String cluster = observed.spec().name();
        List<Event> events = new ArrayList<>();
        for (ObservedPod pod : observed.pods()) {
            Clone clone = pod.status().lastClone();
            if (clone != null) {
                events.add(event(cluster, pod.name(), clone));
            }
        }
        return events;
    }

    static Event event(String cluster, String pod, Clone clone) {
        String took = String.format(Locale.ROOT, "%.1f s", clone.seconds());
        if (clone.method() == Clone.Method.REPOSITORY) {
            return Event.normal(Event.Reason.Cloned, cluster, pod, pod + " restored from the backup repository"
                    + " (backup " + clone.backup() + ", pgbackrest restore in " + took + " at " + clone.at()
                    + "); it replays the archive, then streams from the primary");
        }
        String message = pod + " cloned from the primary with pg_basebackup in " + took + " at " + clone.at()
                + (clone.whyNotRepository().isEmpty() ? "" : " (" + clone.whyNotRepository() + ")");
        return clone.restoreFailed()
                ? Event.warning(Event.Reason.Cloned, cluster, pod, message)
                : Event.normal(Event.Reason.Cloned, cluster, pod, message);
    }
}
