package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Map;

/**
 * The cluster's Services: the headless one that gives each pod its DNS name, and {@code -rw}
 * (the primary), {@code -ro} (the replicas) and {@code -r} (any ready instance). Pure.
 */
public final class ServiceRenderer {

    private ServiceRenderer() {}

    public static Service headless(RenderInputs in) {
        return new ServiceBuilder().withMetadata(ClusterLabels.meta(in, in.spec().name()))
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true) // peers find each other while they start
                .withSelector(ClusterLabels.selector(in.spec()))
                .withPorts(port("postgres", PodTemplateRenderer.POSTGRES_PORT),
                        port("api", PodTemplateRenderer.API_PORT))
                .endSpec()
                .build();
    }

    public static Service readWrite(RenderInputs in) {
        return service(in, "rw", ClusterLabels.selector(in.spec(), "primary"), "the primary, for writes");
    }

    public static Service readOnly(RenderInputs in) {
        return service(in, "ro", ClusterLabels.selector(in.spec(), "replica"), "the replicas, for reads");
    }

    public static Service anyInstance(RenderInputs in) {
        return service(in, "r", ClusterLabels.selector(in.spec()),
                "any ready instance, for reads that may go to the primary");
    }

    private static Service service(RenderInputs in, String suffix, Map<String, String> select, String what) {
        return new ServiceBuilder()
                .withMetadata(new ObjectMetaBuilder(ClusterLabels.meta(in, in.spec().name() + "-" + suffix))
                        .addToAnnotations("pgset.io/description", what).build())
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(select)
                .withPorts(port("postgres", PodTemplateRenderer.POSTGRES_PORT))
                .endSpec()
                .build();
    }

    private static ServicePort port(String name, int number) {
        return new ServicePortBuilder().withName(name).withPort(number).withTargetPort(new IntOrString(name)).build();
    }
}
