package io.pgset.core.model;

/**
 * Kubernetes only: the type of the {@code <name>-rw} Service. The local runtime's rw service is
 * a loopback port and ignores it (saying so).
 */
public record ServicesSpec(ServiceType readWrite) {
    public static final ServicesSpec DEFAULT = new ServicesSpec(ServiceType.CLUSTER_IP);

    /** How a Service is reached: from inside the Kubernetes cluster only, or through a cloud load balancer too. */
    public enum ServiceType {
        CLUSTER_IP("ClusterIP"), LOAD_BALANCER("LoadBalancer");

        private final String kubernetesName;

        ServiceType(String kubernetesName) {
            this.kubernetesName = kubernetesName;
        }

        /** As a Service's {@code spec.type} and the spec write it. */
        public String kubernetesName() {
            return kubernetesName;
        }
    }
}
