package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;

/**
 * The cluster's StatefulSet: stable names from the headless Service, a {@code data} claim per
 * instance, claim retention from {@code spec.storage}. Creation order and rollouts are the
 * operator's ({@code Parallel}, {@code OnDelete}), so a failed pod-0 never blocks the others. Pure.
 */
public final class StatefulSetRenderer {

    private StatefulSetRenderer() {}

    public static StatefulSet statefulSet(RenderInputs in) {
        String retainDeleted = in.spec().storage().retainOnDelete() ? "Retain" : "Delete";
        String retainScaled = in.spec().storage().retainOnScaleDown() ? "Retain" : "Delete";
        return new StatefulSetBuilder().withMetadata(ClusterLabels.meta(in, in.spec().name()))
                .withNewSpec()
                .withServiceName(in.spec().name())
                .withReplicas(in.spec().instances())
                .withPodManagementPolicy("Parallel") // the operator orders creation itself
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy() // and rollouts
                .withNewPersistentVolumeClaimRetentionPolicy()
                .withWhenDeleted(retainDeleted)
                .withWhenScaled(retainScaled)
                .endPersistentVolumeClaimRetentionPolicy()
                .withNewSelector().withMatchLabels(ClusterLabels.selector(in.spec())).endSelector()
                .withVolumeClaimTemplates(dataClaim(in))
                .withTemplate(PodTemplateRenderer.podTemplate(in))
                .endSpec()
                .build();
    }

    private static PersistentVolumeClaim dataClaim(RenderInputs in) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("data").withLabels(ClusterLabels.labels(in.spec())).endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(in.spec().storage().storageClass().isEmpty() ? null
                        : in.spec().storage().storageClass()) // none: the cluster's default class
                .withNewResources().addToRequests("storage", new Quantity(in.spec().storage().size())).endResources()
                .endSpec()
                .build();
    }
}
