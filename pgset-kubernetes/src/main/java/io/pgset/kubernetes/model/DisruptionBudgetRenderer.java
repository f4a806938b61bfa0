package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/** The cluster's PodDisruptionBudget. Pure. */
public final class DisruptionBudgetRenderer {

    private DisruptionBudgetRenderer() {}

    /**
     * At most {@code disruption.maxUnavailable} instances evicted at once. It is at least 1, so a
     * single-instance cluster never blocks a node drain.
     */
    public static PodDisruptionBudget disruptionBudget(RenderInputs in) {
        return new PodDisruptionBudgetBuilder().withMetadata(ClusterLabels.meta(in, in.spec().name()))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(in.spec().disruption().maxUnavailable()))
                .withNewSelector().withMatchLabels(ClusterLabels.selector(in.spec())).endSelector()
                .endSpec()
                .build();
    }
}
