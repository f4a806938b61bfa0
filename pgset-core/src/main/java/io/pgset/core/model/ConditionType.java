package io.pgset.core.model;

/**
 * The fixed set of conditions a cluster's status carries, in both runtimes (locally in
 * {@code pgset status -o json}, in Kubernetes in {@code .status.conditions}). The names are
 * published as they are.
 */
public enum ConditionType {
    /** Every desired instance is ready and one of them is the primary. */
    Ready,
    /** Instances are being created, removed, restarted or switched over toward the spec. */
    Progressing,
    /** Something is wrong that the controller is working on, or cannot fix. */
    Degraded,
    /** The spec is invalid: nothing is created, a running cluster keeps its last valid spec. */
    SpecInvalid,
    /** An instance's volume has no space left, or uses its whole capacity ({@link StorageLevel#FULL}). */
    StorageFull,
    /** An instance's volume uses {@code storage.alertPercent} of its capacity or more. */
    StorageNearlyFull,
    /** The primary's WAL archiving fails and segments wait in its pg_wal ({@link ArchiveStatus#failing}). */
    ArchivingFailing
}
