package io.pgset.kubernetes.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstalledServer;
import io.pgset.kubernetes.api.PostgresCluster;
import java.util.Optional;

/**
 * A PostgresCluster resource read the way the local runtime reads a spec file. Its parameters are
 * checked against the postgres in the operator's image (the pgset image, the same server the pods
 * run); where the operator runs without one, the server's checks happen only in the pods.
 */
public final class Specs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Specs() {}

    /** @throws io.pgset.core.spec.SpecException listing every problem by field path, parameters included */
    public static ClusterSpec read(PostgresCluster resource) {
        ObjectNode document = JSON.createObjectNode();
        document.put("apiVersion", resource.getApiVersion());
        document.put("kind", resource.getKind());
        document.putObject("metadata").put("name", resource.getMetadata().getName());
        document.set("spec", resource.getSpec() == null ? JSON.createObjectNode() : JSON.valueToTree(resource.getSpec()));
        return SpecReader.read(document.toString(), InstalledServer.validator());
    }

    /**
     * Another cluster's spec, as a recovery reads its source's; empty when that PostgresCluster
     * does not exist (any more).
     *
     * @throws io.pgset.core.spec.SpecException when its spec is invalid
     */
    public static Optional<ClusterSpec> find(KubernetesClient client, String namespace, String name) {
        return Optional.ofNullable(client.resources(PostgresCluster.class).inNamespace(namespace).withName(name).get())
                .map(Specs::read);
    }
}
