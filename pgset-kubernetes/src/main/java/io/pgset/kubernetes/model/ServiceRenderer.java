package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.pgset.core.model.ServicesSpec.ServiceType;
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

    /**
     * Of type {@code services.rw.type}. A LoadBalancer keeps the client's address
     * ({@code externalTrafficPolicy: Local}), for the NetworkPolicy and pg_hba to check it against
     * {@code network.allow}, which the load balancer also filters on (its source ranges).
     */
    public static Service readWrite(RenderInputs in) {
        Service rw = service(in, "rw", ClusterLabels.selector(in.spec(), "primary"), "the primary, for writes");
        if (in.spec().services().readWrite() == ServiceType.LOAD_BALANCER) {
            rw.getSpec().setType(ServiceType.LOAD_BALANCER.kubernetesName());
            rw.getSpec().setExternalTrafficPolicy("Local");
            rw.getSpec().setLoadBalancerSourceRanges(in.spec().network().allow());
        }
        return rw;
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
