package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.List;

/** The cluster's NetworkPolicy. Pure. */
public final class NetworkPolicyRenderer {

    private NetworkPolicyRenderer() {}

    /**
     * Ingress only from: the cluster's own pods (replication, the instance API), clients in
     * {@code spec.network.allow} (postgres only), and the operator (the instance API only).
     */
    public static NetworkPolicy networkPolicy(RenderInputs in) {
        NetworkPolicyPeer peers = new NetworkPolicyPeerBuilder().withNewPodSelector()
                .withMatchLabels(ClusterLabels.selector(in.spec())).endPodSelector().build();
        NetworkPolicyPeer operator = new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector().endNamespaceSelector()
                .withNewPodSelector().addToMatchLabels("app.kubernetes.io/name", "pgset-operator").endPodSelector()
                .build();
        List<NetworkPolicyPeer> clients = in.spec().network().allow().stream()
                .map(cidr -> new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build())
                .toList();
        int postgres = PodTemplateRenderer.POSTGRES_PORT;
        int api = PodTemplateRenderer.API_PORT;
        return new NetworkPolicyBuilder().withMetadata(ClusterLabels.meta(in, in.spec().name()))
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(ClusterLabels.selector(in.spec())).endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress().withFrom(peers).withPorts(tcp(postgres), tcp(api)).endIngress()
                .addNewIngress().withFrom(clients).withPorts(tcp(postgres)).endIngress()
                .addNewIngress().withFrom(operator).withPorts(tcp(api)).endIngress()
                .endSpec()
                .build();
    }

    private static NetworkPolicyPort tcp(int port) {
        return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(port)).build();
    }
}
