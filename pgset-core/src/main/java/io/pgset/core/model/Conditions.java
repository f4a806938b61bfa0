package io.pgset.core.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The conditions of a cluster, from its observed status, the same for both runtimes:
 * <ol>
 *   <li>{@code Ready} holds in phase Healthy; {@code Progressing} in phase Progressing;
 *       {@code Degraded} in phase Degraded. Their reason is the phase.</li>
 *   <li>{@code SpecInvalid} holds while the spec is invalid, with the problems as message.</li>
 *   <li>{@code StorageFull} holds while any instance's volume is {@link StorageLevel#FULL}: no room
 *       left on its filesystem, or its whole capacity used; it names them.</li>
 *   <li>{@code StorageNearlyFull} holds while any instance's volume uses {@code storage.alertPercent}
 *       of its capacity or more (full ones included), naming each with its use.</li>
 *   <li>{@code ArchivingFailing} holds while the ready primary's WAL archiving fails with segments
 *       waiting ({@link ArchiveStatus#isFailing}); unknown without a ready primary, it then holds
 *       false.</li>
 *   <li>A condition's {@code lastTransitionTime} changes only when its status does: it is taken
 *       from the previous conditions while the status stays.</li>
 * </ol>
 */
public final class Conditions {

    private Conditions() {}

    /**
     * @param specInvalid the spec's problems, when it is invalid
     * @param previous    the conditions published before (any order; empty the first time)
     * @param now         the time a condition that changes status takes
     */
    public static List<Condition> of(ClusterStatus status, Optional<String> specInvalid, List<Condition> previous,
                                     Instant now) {
        String at = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Phase phase = status.phase();
        String reason = phase.label();
        String message = status.message() == null ? "" : status.message();
        List<String> full = status.pods().stream().filter(p -> p.storage().level() == StorageLevel.FULL)
                .map(ClusterStatus.PodStatus::name).toList();
        List<Condition> conditions = new ArrayList<>();
        conditions.add(since(previous, at, new Condition(ConditionType.Ready, phase == Phase.HEALTHY, reason,
                phase == Phase.HEALTHY ? "every instance is ready and " + status.primary() + " is the primary"
                        : message, at)));
        conditions.add(since(previous, at, new Condition(ConditionType.Progressing, phase == Phase.PROGRESSING,
                reason, message, at)));
        conditions.add(since(previous, at, new Condition(ConditionType.Degraded, phase == Phase.DEGRADED, reason,
                message, at)));
        conditions.add(since(previous, at, new Condition(ConditionType.SpecInvalid, specInvalid.isPresent(),
                specInvalid.isPresent() ? "SpecInvalid" : "Valid", specInvalid.orElse(""), at)));
        conditions.add(since(previous, at, new Condition(ConditionType.StorageFull, !full.isEmpty(),
                full.isEmpty() ? "SpaceLeft" : "VolumeFull",
                full.isEmpty() ? "" : "no space left on the volume of " + String.join(", ", full), at)));
        conditions.add(since(previous, at, nearlyFull(status, at)));
        conditions.add(since(previous, at, archiving(status, at)));
        return List.copyOf(conditions);
    }

    private static Condition nearlyFull(ClusterStatus status, String at) {
        List<ClusterStatus.PodStatus> above = status.pods().stream()
                .filter(p -> p.storage().level() == StorageLevel.NEARLY_FULL || p.storage().level() == StorageLevel.FULL)
                .toList();
        if (above.isEmpty()) {
            return new Condition(ConditionType.StorageNearlyFull, false, "BelowAlert", "", at);
        }
        boolean anyFull = above.stream().anyMatch(p -> p.storage().level() == StorageLevel.FULL);
        String message = above.stream().map(p -> nearlyFullMessage(p.name(), p.storage()))
                .collect(java.util.stream.Collectors.joining("; "));
        return new Condition(ConditionType.StorageNearlyFull, true, anyFull ? "VolumeFull" : "AboveAlert", message, at);
    }

    /** One volume above its alert in words, with what to do; the events say the same. */
    public static String nearlyFullMessage(String pod, InstanceStatus.Storage storage) {
        String use = storage.describeUse().isEmpty() ? "no space left on the filesystem" : storage.describeUse();
        return pod + " volume " + use + ", alert at " + storage.alertPercent() + "%: raise spec.storage.size"
                + " with pgset apply, or free space";
    }

    private static Condition archiving(ClusterStatus status, String at) {
        ArchiveStatus archive = status.archive();
        boolean failing = archive != null && archive.failing();
        return new Condition(ConditionType.ArchivingFailing, failing, failing ? "ArchiveCommandFailing" : "NotFailing",
                failing ? failureMessage(status.primary(), archive) : "", at);
    }

    /** The primary's archiving failure in words, with what to do; the events say the same. */
    public static String failureMessage(String primary, ArchiveStatus archive) {
        return archive.describeFailure() + " on " + primary + " (last failed " + archive.lastFailedWal()
                + "); pgset keeps every segment until it is archived: make the backup repository writable or"
                + " reachable again (`pgset logs " + primary + "` says why archive-push fails)";
    }

    /** The condition, with the previous transition time while its status has not changed. */
    private static Condition since(List<Condition> previous, String at, Condition now) {
        String time = previous.stream()
                .filter(c -> c.type() == now.type() && c.status() == now.status())
                .map(Condition::lastTransitionTime)
                .filter(t -> t != null && !t.isEmpty())
                .findFirst().orElse(at);
        return new Condition(now.type(), now.status(), now.reason(), now.message(), time);
    }
}
