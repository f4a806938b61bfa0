package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `pgset render` prints the Kubernetes objects for a spec without any cluster, and refuses a bad spec. */
class RenderIT extends PerTestHome {

    @Test
    void rendersEveryObjectIntoTheNamespaceWithoutStartingAnything() throws Exception {
        Path file = home.specFile("""
                instances: 2
                storage: {size: 5Gi}
                """);
        PgsetHome.Result render = home.pgset("render", "-f", file.toString(), "--namespace", "team-a",
                "--image", "registry.example/pgset:dev").ok();

        assertThat(render.out().split("(?m)^---$")).hasSize(18); // 17 objects, and what precedes the first ---
        assertThat(render.out()).contains("kind: StatefulSet", "replicas: 2", "storage: 5Gi", "namespace: team-a",
                "image: registry.example/pgset:dev", "name: demo-rw", "kind: NetworkPolicy", "kind: PodDisruptionBudget", "name: demo-api", "name: demo-ca",
                "BEGIN CERTIFICATE", "kind: ServiceAccount", "kind: Role", "kind: RoleBinding", "name: demo-instance");
        assertThat(home.processes()).isEmpty();
        assertThat(home.cluster("demo")).doesNotExist();
    }

    @Test
    void renderingTwicePrintsTheSameObjectsApartFromTheGeneratedSecrets() throws Exception {
        Path file = home.specFile("scheduling: {nodeSelector: {disktype: ssd}}\n");

        String first = home.pgset("render", "-f", file.toString()).ok().out();
        String second = home.pgset("render", "-f", file.toString()).ok().out();

        assertThat(withoutSecrets(second)).isEqualTo(withoutSecrets(first));
        assertThat(String.join("---", withoutSecrets(first))).contains("disktype: ssd");
        assertThat(second).isNotEqualTo(first); // new passwords and a new CA each time
    }

    private static java.util.List<String> withoutSecrets(String stream) {
        return java.util.Arrays.stream(stream.split("(?m)^---$")).filter(doc -> !doc.contains("kind: Secret")).toList();
    }

    @Test
    void anInvalidSpecIsRefusedWithEveryProblemAndNothingPrinted() throws Exception {
        Path file = home.specFile("""
                instances: 0
                storage: {size: lots}
                """);
        PgsetHome.Result render = home.pgset("render", "-f", file.toString());

        assertThat(render.exit()).isNotZero();
        assertThat(render.out()).isEmpty();
        assertThat(render.err()).contains("spec.instances", "spec.storage.size");
    }
}
