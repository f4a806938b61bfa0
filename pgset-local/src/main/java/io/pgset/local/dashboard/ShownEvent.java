package io.pgset.local.dashboard;

import io.pgset.core.control.Event;

/**
 * An event as the dashboard lists it.
 *
 * @param at       when it was recorded (ISO-8601)
 * @param severity {@code Normal} or {@code Warning}, as events.log writes it
 * @param reason   the event's reason
 * @param pod      the instance it concerns; empty when it concerns the cluster
 * @param message  what happened, in words
 */
record ShownEvent(String at, String severity, Event.Reason reason, String pod, String message) {

    static ShownEvent of(java.time.Instant at, Event event) {
        return new ShownEvent(at.toString(), event.severity() == Event.Severity.WARNING ? "Warning" : "Normal",
                event.reason(), event.pod().orElse(""), event.message());
    }
}
