package io.pgset.core.model;

import io.pgset.core.model.ClusterSpec.StorageSpec;

/**
 * What a volume may hold and how full it is, the same for both runtimes:
 * <ol>
 *   <li>The capacity is {@code storage.size}, or less when the volume's filesystem has less room
 *       (its use plus the filesystem's free space): a local volume is a directory on a filesystem
 *       that others share, and a Kubernetes claim is as large as its filesystem once expanded.
 *       Without a size in the spec it is that room alone.</li>
 *   <li>A volume is {@link StorageLevel#FULL} when its use reaches the capacity, or when the
 *       filesystem itself has no room (postgres stopped for it); {@link StorageLevel#NEARLY_FULL}
 *       from {@code storage.alertPercent} percent of the capacity; else {@link StorageLevel#OK}.</li>
 * </ol>
 */
public final class VolumeCapacity {

    private VolumeCapacity() {}

    /**
     * @param usedBytes what the volume's files take
     * @param freeBytes what the filesystem has free; negative when unknown
     * @return the capacity in bytes; -1 when nothing tells it (no size and no free space known)
     */
    public static long capacity(StorageSpec storage, long usedBytes, long freeBytes) {
        return capacity(storage.explicitSize() ? storage.sizeBytes() : -1, usedBytes, freeBytes);
    }

    /**
     * The same rule for a size known otherwise (a Kubernetes claim's capacity).
     *
     * @param sizeBytes what the volume was given; negative when nothing says
     * @return the capacity in bytes; -1 when neither the size nor the free space is known
     */
    public static long capacity(long sizeBytes, long usedBytes, long freeBytes) {
        long room = freeBytes < 0 ? -1 : usedBytes + freeBytes;
        if (sizeBytes < 0) {
            return room;
        }
        return room < 0 ? sizeBytes : Math.min(sizeBytes, room);
    }

    /** @param outOfSpace the filesystem has no room left (postgres cannot write) */
    public static StorageLevel level(long usedBytes, long capacityBytes, int alertPercent, boolean outOfSpace) {
        if (outOfSpace) {
            return StorageLevel.FULL;
        }
        if (capacityBytes <= 0 || usedBytes < 0) {
            return StorageLevel.UNKNOWN;
        }
        if (usedBytes >= capacityBytes) {
            return StorageLevel.FULL;
        }
        // usedBytes * 100 >= alertPercent * capacityBytes, without overflow for any real volume
        return usedBytes / (double) capacityBytes * 100 >= alertPercent ? StorageLevel.NEARLY_FULL : StorageLevel.OK;
    }

    /** Whole percent used, rounded down (so 100 means the capacity is reached); -1 when unknown. */
    public static int percent(long usedBytes, long capacityBytes) {
        if (capacityBytes <= 0 || usedBytes < 0) {
            return -1;
        }
        return (int) Math.min(usedBytes * 100.0 / capacityBytes, Integer.MAX_VALUE);
    }
}
