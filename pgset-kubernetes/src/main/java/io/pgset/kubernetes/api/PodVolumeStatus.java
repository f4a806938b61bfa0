package io.pgset.kubernetes.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pgset.core.model.StorageLevel;

/**
 * One entry of {@code status.pods}: a pod's data volume as its instance manager measured it,
 * against its claim's capacity. The figures are absent while they are unknown (the instance has
 * not measured yet, or does not answer); {@code level} is then {@code UNKNOWN}.
 *
 * @param name          the pod
 * @param claim         its data claim, {@code data-<pod>}
 * @param usedBytes     what the volume's files take
 * @param capacityBytes what the volume may hold: the claim's capacity, or the filesystem's room if less
 * @param percentUsed   whole percent of the capacity used (100: the capacity is reached)
 * @param level         OK, NEARLY_FULL (from {@code storage.alertPercent}), FULL, or UNKNOWN
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodVolumeStatus(
        @JsonPropertyDescription("The pod")
        String name,
        @JsonPropertyDescription("Its data claim, data-<pod>")
        String claim,
        @JsonPropertyDescription("Bytes the volume's files take")
        Long usedBytes,
        @JsonPropertyDescription("Bytes the volume may hold: the claim's capacity (its request until bound), or the"
                + " filesystem's room if less")
        Long capacityBytes,
        @JsonPropertyDescription("Whole percent of the capacity used")
        Integer percentUsed,
        @JsonPropertyDescription("OK, NEARLY_FULL (from spec.storage.alertPercent), FULL (capacity reached or no"
                + " space left), or UNKNOWN (not measured, or the instance does not answer)")
        StorageLevel level) {}
