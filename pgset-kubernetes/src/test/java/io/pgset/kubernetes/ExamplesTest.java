package io.pgset.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.pgset.core.config.HbaRenderer;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.pod.PodInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example cluster in deploy/examples is a valid spec and renders. */
class ExamplesTest {

    @Test
    void everyExampleIsValidAndRenders() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("..", "deploy", "examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
        for (Path example : examples) {
            ClusterSpec spec = SpecReader.read(example);
            assertThat(new ManifestRenderer(spec, "default", ManifestRenderer.DEFAULT_IMAGE).render())
                    .as(example.toString()).isNotEmpty();
        }
    }

    /** The smallest example admits the applications of its namespace: network and pg_hba both. */
    @Test
    void theMinimalExampleAdmitsThePodsOfItsNamespace() {
        ClusterSpec minimal = SpecReader.read(Path.of("..", "deploy", "examples", "minimal.yaml"));

        NetworkPolicy policy = new ManifestRenderer(minimal, "shop", ManifestRenderer.DEFAULT_IMAGE).workloads()
                .stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast).findFirst().orElseThrow();
        NetworkPolicyIngressRule clients = policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().size() == 1 && rule.getPorts().get(0).getPort().getIntVal() == 5432)
                .findFirst().orElseThrow();
        assertThat(clients.getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(peer.getNamespaceSelector()).isNull();
        });
        String hba = HbaRenderer.render(minimal, PodInstance.PEERS);
        assertThat(hba).contains("hostssl all  all  0.0.0.0/0  scram-sha-256", "hostssl all  all  ::/0  scram-sha-256")
                .doesNotContain("127.0.0.1");
    }
}
