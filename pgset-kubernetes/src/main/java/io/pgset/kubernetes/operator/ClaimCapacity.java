package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.VolumeCapacity;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a pod's volume may hold on Kubernetes: its claim's capacity ({@code status.capacity} once
 * the claim is bound, else what it requests), or less when the filesystem the instance measures has
 * less room ({@link VolumeCapacity#capacity(long, long, long)}). The instance manager in the pod
 * knows only {@code storage.size}; a provisioner may have rounded the claim up, and an expansion
 * counts once the claim's status shows it.
 */
public final class ClaimCapacity {

    private ClaimCapacity() {}

    /** The claim's capacity in bytes; empty when it neither has one nor requests one. */
    public static OptionalLong bytes(PersistentVolumeClaim claim) {
        if (claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase())) {
            OptionalLong bound = storage(claim.getStatus().getCapacity());
            if (bound.isPresent()) {
                return bound;
            }
        }
        return requested(claim);
    }

    /** What the claim requests ({@code spec.resources.requests.storage}); empty when it requests nothing. */
    static OptionalLong requested(PersistentVolumeClaim claim) {
        if (claim.getSpec() == null || claim.getSpec().getResources() == null) {
            return OptionalLong.empty();
        }
        return storage(claim.getSpec().getResources().getRequests());
    }

    /**
     * The instance's measurement with the claim's capacity in place of the one the instance worked
     * out from the spec: the level follows from it. A measurement not made yet, or a pod without a
     * claim known, is left as the instance reported it.
     */
    public static InstanceStatus.Storage against(InstanceStatus.Storage reported, OptionalLong claimBytes) {
        if (reported.usedBytes() < 0 || claimBytes.isEmpty()) {
            return reported;
        }
        long capacity = VolumeCapacity.capacity(claimBytes.getAsLong(), reported.usedBytes(), reported.freeBytes());
        return new InstanceStatus.Storage(reported.freeBytes(), reported.full(), reported.keptCopies(),
                reported.usedBytes(), capacity, reported.alertPercent());
    }

    private static OptionalLong storage(Map<String, Quantity> quantities) {
        Quantity q = quantities == null ? null : quantities.get("storage");
        return q == null ? OptionalLong.empty() : OptionalLong.of(Quantity.getAmountInBytes(q).longValue());
    }
}
