package io.pgset.kubernetes.operator;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.StorageLevel;
import io.pgset.kubernetes.api.PodVolumeStatus;
import io.pgset.kubernetes.api.PostgresClusterStatus;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods' volumes as {@code status.pods} and the {@code Storage} column show them, and
 * back: what a restarted operator reads of the levels it published.
 *
 * <ol>
 *   <li>Each pod of the controller's status gives one entry: its claim, bytes used, capacity,
 *       whole percent used and level; a figure not known is left out, and the level is then
 *       {@code UNKNOWN}.</li>
 *   <li>An entry whose level and whole percent are what was published before keeps the figures
 *       published before: the bytes used change at every measurement (WAL, temporary files), and
 *       a status written for each change would cost the API server a write every few seconds per
 *       cluster for nothing a reader acts on.</li>
 * </ol>
 */
final class PublishedVolumes {

    private PublishedVolumes() {}

    /** @param before the entries published before (empty the first time) */
    static List<PodVolumeStatus> of(ClusterStatus status, List<PodVolumeStatus> before) {
        Map<String, PodVolumeStatus> previous = new HashMap<>();
        before.forEach(p -> previous.put(p.name(), p));
        return status.pods().stream().map(p -> {
            PodVolumeStatus now = entry(p);
            PodVolumeStatus was = previous.get(p.name());
            return was != null && sameStep(was, now) ? was : now;
        }).toList();
    }

    /** {@code 81% demo-1}: the entry with the highest percent used; empty while none is measured. */
    static Optional<String> fullest(List<PodVolumeStatus> pods) {
        return pods.stream().filter(p -> p.percentUsed() != null)
                .max(Comparator.comparingInt(PodVolumeStatus::percentUsed)
                        .thenComparing(PodVolumeStatus::name, Comparator.reverseOrder()))
                .map(p -> p.percentUsed() + "% " + p.name());
    }

    /** The level each pod's volume had in the status published before; none before any status. */
    static Map<String, StorageLevel> levels(PostgresClusterStatus published) {
        Map<String, StorageLevel> levels = new HashMap<>();
        if (published != null && published.pods != null) {
            published.pods.stream().filter(p -> p.name() != null && p.level() != null)
                    .forEach(p -> levels.put(p.name(), p.level()));
        }
        return levels;
    }

    private static PodVolumeStatus entry(ClusterStatus.PodStatus p) {
        InstanceStatus.Storage s = p.storage();
        return new PodVolumeStatus(p.name(), p.volume(), s.usedBytes() < 0 ? null : s.usedBytes(),
                s.capacityBytes() < 0 ? null : s.capacityBytes(), s.percentUsed() < 0 ? null : s.percentUsed(),
                s.level());
    }

    private static boolean sameStep(PodVolumeStatus was, PodVolumeStatus now) {
        if (now.percentUsed() == null) {
            return was.equals(now);
        }
        return now.percentUsed().equals(was.percentUsed()) && now.level() == was.level()
                && now.claim().equals(was.claim());
    }
}
