package io.pgset.core.model;

/**
 * How full an instance's volume is against its capacity ({@link VolumeCapacity#level}).
 * The names are published as they are (status JSON).
 */
public enum StorageLevel {
    /** Nothing measured yet. */
    UNKNOWN,
    /** Below {@code storage.alertPercent}. */
    OK,
    /** At or above {@code storage.alertPercent} of the capacity: condition StorageNearlyFull. */
    NEARLY_FULL,
    /** The whole capacity used, or no room left on the filesystem: condition StorageFull. */
    FULL
}
