package io.pgset.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cluster's phase as status shows it. It is spelled one way everywhere: as its {@link #label()}
 * ({@code Healthy}), in the status table, in {@code status -o json} and in the Kubernetes status.
 */
public enum Phase {
    /** Instances are being created or removed toward the spec. */
    PROGRESSING,
    /** Every desired instance is Ready and one of them is the primary. */
    HEALTHY,
    /** Something is wrong that the controller is working on (or cannot fix; events say which). */
    DEGRADED,
    /** No controller and no instance process is running. */
    STOPPED;

    @JsonValue
    public String label() {
        String s = name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The phase a label names, in any case (a controller of an older version spelled it {@code HEALTHY}). */
    @JsonCreator
    public static Phase of(String label) {
        return Arrays.stream(values()).filter(p -> p.name().equalsIgnoreCase(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown phase '" + label + "'"));
    }
}
