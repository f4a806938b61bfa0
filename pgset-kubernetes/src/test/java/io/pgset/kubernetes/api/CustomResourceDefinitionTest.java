package io.pgset.kubernetes.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CRD the build generates from the Java types, and the copy kept in deploy/crds. */
class CustomResourceDefinitionTest {

    static final String FILE = "postgresclusters.pgset.io-v1.yml";
    static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8", FILE);
    static final Path KEPT = Path.of("..", "deploy", "crds", FILE);
    /** Helm installs what a chart's crds/ holds before anything else. */
    static final Path CHART = Path.of("..", "deploy", "helm", "pgset-operator", "crds", FILE);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void keptCopiesAreWhatTheBuildGenerates() throws IOException {
        for (Path kept : new Path[] {KEPT, CHART}) {
            assertThat(Files.readString(kept))
                    .as("%s is stale: copy %s over it", kept.normalize(), Path.of("pgset-kubernetes").resolve(GENERATED))
                    .isEqualTo(Files.readString(GENERATED));
        }
    }

    @Test
    void schemaChecksTypesRangesAndPatternsAndHasAStatusSubresource() throws IOException {
        JsonNode crd = YAML.readTree(GENERATED.toFile());
        assertThat(crd.at("/spec/group").asText()).isEqualTo("pgset.io");
        assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("PostgresCluster");
        assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("pgc");
        assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
        JsonNode version = crd.at("/spec/versions/0");
        assertThat(version.at("/name").asText()).isEqualTo("v1alpha1");
        assertThat(version.at("/subresources/status").isObject()).isTrue();

        JsonNode spec = version.at("/schema/openAPIV3Schema/properties/spec/properties");
        assertThat(spec.at("/instances/type").asText()).isEqualTo("integer");
        assertThat(spec.at("/instances/minimum").asInt()).isEqualTo(1);
        assertThat(spec.at("/instances/maximum").asInt()).isEqualTo(99);
        assertThat(spec.at("/storage/properties/size/pattern").asText()).isEqualTo("^[0-9]+(Ki|Mi|Gi|Ti)?$");
        assertThat(spec.at("/replication/properties/mode/enum")).extracting(JsonNode::asText)
                .containsExactly("async", "sync");
        assertThat(spec.at("/postgres/properties/parameters/additionalProperties/type").asText()).isEqualTo("string");
        assertThat(spec.at("/network/properties/allow/items/type").asText()).isEqualTo("string");
        assertThat(spec.at("/failover/properties/delaySeconds/maximum").asInt()).isEqualTo(3600);
        assertThat(spec.at("/backup/properties/schedule/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("full", "differential", "incremental");

        JsonNode status = version.at("/schema/openAPIV3Schema/properties/status/properties");
        assertThat(status.fieldNames()).toIterable()
                .contains("phase", "primary", "readyInstances", "conditions", "observedGeneration");
        assertThat(version.at("/additionalPrinterColumns")).extracting(c -> c.at("/name").asText())
                .contains("Phase", "Primary", "Ready");
    }
}
