package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pgset.core.model.ClusterSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels every object of a cluster carries, and the selector its pods are found by. Pure. */
public final class ClusterLabels {

    public static final String CLUSTER_LABEL = "pgset.io/cluster";
    public static final String ROLE_LABEL = "pgset.io/role";

    private ClusterLabels() {}

    public static Map<String, String> labels(ClusterSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "pgset");
        labels.put("app.kubernetes.io/instance", spec.name());
        labels.put("app.kubernetes.io/managed-by", "pgset-operator");
        labels.put(CLUSTER_LABEL, spec.name());
        return labels;
    }

    /** The cluster's pods, all of them. */
    public static Map<String, String> selector(ClusterSpec spec) {
        return Map.of(CLUSTER_LABEL, spec.name());
    }

    /** The cluster's pods in one role (primary or replica). */
    static Map<String, String> selector(ClusterSpec spec, String role) {
        Map<String, String> select = new LinkedHashMap<>(selector(spec));
        select.put(ROLE_LABEL, role);
        return select;
    }

    public static ObjectMeta meta(RenderInputs in, String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(in.namespace()).withLabels(labels(in.spec())).build();
    }
}
