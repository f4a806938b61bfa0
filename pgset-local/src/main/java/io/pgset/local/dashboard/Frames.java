package io.pgset.local.dashboard;

import io.pgset.core.model.ClusterStatus;
import java.util.List;

/** Builds the dashboard's {@link Frame} from the controller's status, and says when to send one. */
final class Frames {

    /** The longest a page waits for an update while nothing changes its shape. */
    static final long TICK_MILLIS = 1_000;

    private Frames() {}

    static Frame of(ClusterStatus status, List<Sample> history, List<ShownEvent> events,
                    long at) {
        Sample newest = history.isEmpty() ? null : history.get(history.size() - 1);
        List<Frame.Pod> pods = status.pods().stream().map(p -> pod(p, newest)).toList();
        return new Frame(at, status.name(), status.phase().label(), status.message() == null ? "" : status.message(),
                status.primary() == null ? "" : status.primary(), status.instances(), status.readyInstances(),
                pods, events, history);
    }

    private static Frame.Pod pod(ClusterStatus.PodStatus p, Sample newest) {
        Sample.Pod sampled = newest == null ? null : newest.pods().get(p.name());
        return new Frame.Pod(p.name(), p.role(), p.ready(), p.timeline(), p.lagBytes(), p.lagSeconds(),
                p.activity().connections(), sampled == null ? -1 : sampled.tps(),
                Math.max(0, p.storage().usedBytes()),
                p.storage().capacityBytes(), p.storage().freeBytes(), p.storage().level().name(), p.message() == null ? "" : p.message());
    }

    /** Whether {@code next} goes out now: its shape changed since the last one sent, or a tick has passed. */
    static boolean due(Frame last, Frame next) {
        return last == null || next.at() - last.at() >= TICK_MILLIS || !next.shape().equals(last.shape());
    }
}
