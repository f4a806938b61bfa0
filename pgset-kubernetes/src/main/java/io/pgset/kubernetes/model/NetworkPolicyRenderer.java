package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.pgset.core.model.ClusterSpec;
import java.util.ArrayList;
import java.util.List;

/** The cluster's NetworkPolicy. Pure. */
public final class NetworkPolicyRenderer {

    private NetworkPolicyRenderer() {}

    /** On the NetworkPolicy: who its clients are, in words. */
    public static final String CLIENTS_ANNOTATION = "pgset.io/clients";

    /**
     * Ingress only from: the cluster's own pods (replication, the instance API), clients
     * (postgres only), and the operator (the instance API only). Clients are the networks of
     * {@code spec.network.allow}; when the spec leaves it out, the pods of the cluster's namespace.
     */
    public static NetworkPolicy networkPolicy(RenderInputs in) {
        NetworkPolicyPeer peers = new NetworkPolicyPeerBuilder().withNewPodSelector()
                .withMatchLabels(ClusterLabels.selector(in.spec())).endPodSelector().build();
        NetworkPolicyPeer operator = new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector().endNamespaceSelector()
                .withNewPodSelector().addToMatchLabels("app.kubernetes.io/name", "pgset-operator").endPodSelector()
                .build();
        List<NetworkPolicyPeer> clients = clients(in);
        int postgres = PodTemplateRenderer.POSTGRES_PORT;
        int api = PodTemplateRenderer.API_PORT;
        List<NetworkPolicyIngressRule> ingress = new ArrayList<>();
        ingress.add(new NetworkPolicyIngressRuleBuilder().withFrom(peers).withPorts(tcp(postgres), tcp(api)).build());
        if (!clients.isEmpty()) {
            // A rule with no "from" admits every source: an empty allow list must add no rule at all.
            ingress.add(new NetworkPolicyIngressRuleBuilder().withFrom(clients).withPorts(tcp(postgres)).build());
        }
        ingress.add(new NetworkPolicyIngressRuleBuilder().withFrom(operator).withPorts(tcp(api)).build());
        return new NetworkPolicyBuilder().withMetadata(new ObjectMetaBuilder(ClusterLabels.meta(in, in.spec().name()))
                        .addToAnnotations(CLIENTS_ANNOTATION, clientsDescription(in.spec(), in.namespace())).build())
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(ClusterLabels.selector(in.spec())).endPodSelector()
                .withPolicyTypes("Ingress")
                .withIngress(ingress)
                .endSpec()
                .build();
    }

    /** A peer with only an empty pod selector is every pod of the policy's own namespace. */
    private static List<NetworkPolicyPeer> clients(RenderInputs in) {
        if (!in.spec().network().given()) {
            return List.of(new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build());
        }
        return in.spec().network().allow().stream()
                .map(cidr -> new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build())
                .toList();
    }

    /** What the operator says about the clients, on the NetworkPolicy and in an Event. */
    public static String clientsDescription(ClusterSpec spec, String namespace) {
        if (!spec.network().given()) {
            return "every pod in namespace " + namespace + " (spec.network.allow is not set; set it to narrow this"
                    + " to those networks); each still needs a password, or a certificate with TLS";
        }
        if (spec.network().allow().isEmpty()) {
            return "none: spec.network.allow is empty, so only the cluster's own instances and the operator connect";
        }
        return "the networks of spec.network.allow: " + String.join(", ", spec.network().allow());
    }

    private static NetworkPolicyPort tcp(int port) {
        return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(port)).build();
    }
}
