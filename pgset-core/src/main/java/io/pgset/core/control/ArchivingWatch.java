package io.pgset.core.control;

import io.pgset.core.model.ArchiveStatus;
import io.pgset.core.model.Conditions;
import io.pgset.core.plan.ObservedPod;
import io.pgset.core.plan.Observation;
import java.util.Optional;

/**
 * Tells when the primary's WAL archiving starts failing (a warning, with what waits and what to
 * do) and when it works again (a normal event), once each: the condition {@code ArchivingFailing}
 * says how it is now, the events say when it changed. Without a ready primary nothing is known,
 * so nothing changes; a new primary that archives ends a failure of the old one.
 */
final class ArchivingWatch {

    /** The primary whose archiving was failing when last seen; empty while it works. */
    private Optional<String> failingOn = Optional.empty();

    /** The event of this pass, if archiving changed since the last one. */
    Optional<Event> next(Observation observed) {
        Optional<ObservedPod> primary = observed.readyPrimary();
        if (!observed.spec().backup().enabled() || primary.isEmpty()) {
            return Optional.empty();
        }
        String cluster = observed.spec().name();
        String name = primary.get().name();
        ArchiveStatus archive = primary.get().status().archive();
        if (archive.failing() && failingOn.isEmpty()) {
            failingOn = Optional.of(name);
            return Optional.of(Event.warning(Event.Reason.ArchivingFailing, cluster, name,
                    Conditions.failureMessage(name, archive)));
        }
        if (!archive.failing() && failingOn.isPresent()) {
            failingOn = Optional.empty();
            return Optional.of(Event.normal(Event.Reason.ArchivingRecovered, cluster, name, "WAL archiving works again"
                    + " on " + name + ": last archived " + archive.lastArchivedWal() + ", " + archive.segmentsWaiting()
                    + " segments still waiting"));
        }
        return Optional.empty();
    }
}
