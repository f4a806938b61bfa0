package io.pgset.core.model;

/**
 * How missing instances are created, named and spelled as a StatefulSet's field of the same name.
 * Scale-down is one at a time, highest ordinal first, under both.
 */
public enum PodManagementPolicy {
    /** One instance at a time, in ordinal order, each only once every lower one is Ready (the default). */
    ORDERED_READY("OrderedReady"),
    /**
     * Every missing replica at once, once a primary is ready: they clone from it together, each
     * through its own slot. A new cluster's first instance, or a stopped cluster's primary, still
     * comes alone first.
     */
    PARALLEL("Parallel");

    private final String label;

    PodManagementPolicy(String label) {
        this.label = label;
    }

    /** As the spec spells it. */
    public String label() {
        return label;
    }

    /** @throws IllegalArgumentException naming the accepted values, for anything else */
    public static PodManagementPolicy of(String text) {
        for (PodManagementPolicy policy : values()) {
            if (policy.label.equals(text)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("unknown podManagementPolicy '" + text + "'; use OrderedReady or Parallel");
    }
}
