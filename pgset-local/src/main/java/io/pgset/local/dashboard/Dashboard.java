package io.pgset.local.dashboard;

import io.pgset.core.json.RecordJson;
import io.pgset.core.model.ClusterStatus;

/**
 * The dashboard's state: the controller hands it each status it publishes; the page's streams
 * wait here for the next frame. A frame goes out once a second, and at once when who is primary
 * or ready changes.
 */
public final class Dashboard {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.controller");

    /** A frame as sent: its number (streams send each number once) and its JSON. */
    record Published(long version, byte[] json) {}

    private final History history = new History();
    private final RecentEvents events;
    private Frame last;
    private Published published = new Published(0, new byte[0]);

    public Dashboard(RecentEvents events) {
        this.events = events;
    }

    /** Takes the controller's newest status; never throws, so the controller's loop never dies of it. */
    public synchronized void observe(ClusterStatus status, long now) {
        try {
            history.record(status, now);
            Frame next = Frames.of(status, history.samples(), events.recent(), now);
            if (Frames.due(last, next)) {
                last = next;
                published = new Published(published.version() + 1, RecordJson.bytes(next));
                notifyAll();
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster={} cannot build the dashboard's frame: {}", status.name(), e.toString());
        }
    }

    /**
     * The newest frame once it is newer than {@code version}, or the current one when none came
     * within {@code timeoutMillis}; the version 0 has no frame yet.
     */
    synchronized Published next(long version, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (published.version() <= version) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return published;
    }
}
