package io.pgset.core.model;

/** The cluster's phase as status shows it. */
public enum Phase {
    /** Instances are being created or removed toward the spec. */
    PROGRESSING,
    /** Every desired instance is Ready and one of them is the primary. */
    HEALTHY,
    /** Something is wrong that the controller is working on (or cannot fix; events say which). */
    DEGRADED,
    /** No controller and no instance process is running. */
    STOPPED;

    public String label() {
        String s = name().toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
