package io.pgset.local.dashboard;

import io.pgset.core.control.Event;
import io.pgset.core.control.EventSink;
import java.time.Clock;
import java.util.List;

/**
 * Passes every event on to the cluster's event sink (events.log) and keeps the last few for the
 * dashboard, newest last.
 */
public final class RecentEvents implements EventSink {

    static final int KEPT = 20;

    private final EventSink next;
    private final Clock clock;
    private final Ring<ShownEvent> recent = new Ring<>(KEPT);

    public RecentEvents(EventSink next, Clock clock) {
        this.next = next;
        this.clock = clock;
    }

    @Override
    public void record(Event event) {
        next.record(event);
        synchronized (recent) {
            recent.add(ShownEvent.of(clock.instant(), event));
        }
    }

    List<ShownEvent> recent() {
        synchronized (recent) {
            return recent.toList();
        }
    }
}
