package io.pgset.core.model;

import java.util.List;
import java.util.Map;

/**
 * Kubernetes only: which nodes the instances' pods may run on. The local runtime runs every
 * instance on its own machine and ignores it (saying so).
 *
 * @param nodeSelector node labels a node must have, in key order
 */
public record SchedulingSpec(Map<String, String> nodeSelector, List<Toleration> tolerations) {
    public static final SchedulingSpec NONE = new SchedulingSpec(Map.of(), List.of());

    public SchedulingSpec {
        nodeSelector = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(nodeSelector));
        tolerations = List.copyOf(tolerations);
    }

    /**
     * A taint the pods tolerate, as Kubernetes spells it.
     *
     * @param operator          Equal or Exists
     * @param effect            NoSchedule, PreferNoSchedule, NoExecute, or empty for all of them
     * @param tolerationSeconds with NoExecute: how long a pod stays on a node once tainted; empty for ever
     */
    public record Toleration(String key, String operator, String value, String effect,
                             java.util.OptionalLong tolerationSeconds) {}
}
