package io.pgset.kubernetes.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertThat(spec.at("/podManagementPolicy/enum")).extracting(JsonNode::asText)
                .containsExactly("OrderedReady", "Parallel");
        assertThat(spec.at("/postgres/properties/parameters/additionalProperties/type").asText()).isEqualTo("string");
        assertThat(spec.at("/network/properties/allow/items/type").asText()).isEqualTo("string");
        assertThat(spec.at("/storage/properties/storageClass/maxLength").asInt()).isEqualTo(253);
        assertThat(spec.at("/scheduling/properties/nodeSelector/additionalProperties/type").asText()).isEqualTo("string");
        assertThat(spec.at("/scheduling/properties/tolerations/items/properties/effect/enum")).extracting(JsonNode::asText)
                .containsExactly("NoExecute", "NoSchedule", "PreferNoSchedule");
        assertThat(spec.at("/services/properties/rw/properties/type/enum")).extracting(JsonNode::asText)
                .containsExactly("ClusterIP", "LoadBalancer");
        assertThat(spec.at("/failover/properties/delaySeconds/maximum").asInt()).isEqualTo(3600);
        assertThat(spec.at("/backup/properties/schedule/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("full", "differential", "incremental");

        JsonNode status = version.at("/schema/openAPIV3Schema/properties/status/properties");
        assertThat(status.fieldNames()).toIterable()
                .contains("phase", "primary", "readyInstances", "conditions", "observedGeneration");
        assertThat(version.at("/additionalPrinterColumns")).extracting(c -> c.at("/name").asText())
                .contains("Phase", "Primary", "Ready", "Storage");
    }

    @Test
    void statusHasEachPodsVolumeWithItsLevelFromAClosedSet() throws IOException {
        JsonNode version = YAML.readTree(GENERATED.toFile()).at("/spec/versions/0");
        JsonNode pod = version.at("/schema/openAPIV3Schema/properties/status/properties/pods/items/properties");
        assertThat(pod.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("name", "claim", "usedBytes", "capacityBytes", "percentUsed", "level");
        assertThat(pod.at("/usedBytes/type").asText()).isEqualTo("integer");
        assertThat(pod.at("/capacityBytes/type").asText()).isEqualTo("integer");
        assertThat(pod.at("/level/enum")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("UNKNOWN", "OK", "NEARLY_FULL", "FULL");
        assertThat(version.at("/additionalPrinterColumns")).filteredOn(c -> c.at("/name").asText().equals("Storage"))
                .singleElement().satisfies(c -> assertThat(c.at("/jsonPath").asText()).isEqualTo(".status.storage"));
    }

    @Test
    void recoveryTakesASourceAndAtMostOneKindOfTarget() throws IOException {
        JsonNode recovery = spec().at("/bootstrap/properties/recovery");
        assertThat(recovery.at("/required")).extracting(JsonNode::asText).containsExactly("source");
        assertThat(recovery.at("/properties/source/required")).extracting(JsonNode::asText).containsExactly("cluster");
        assertThat(recovery.at("/properties/source/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("cluster", "repository", "systemIdentifier");
        JsonNode target = recovery.at("/properties/target");
        assertThat(target.at("/maxProperties").asInt()).isEqualTo(1);
        assertThat(target.at("/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("time", "lsn", "name", "immediate");
        assertThat(target.at("/properties/immediate/type").asText()).isEqualTo("boolean");
    }

    /**
     * The schema is the API server's first check and pgset-core's SpecReader the last word: the
     * schema must never refuse what core accepts, and these malformed values both refuse.
     */
    @ParameterizedTest(name = "{0}={1}: core {2}")
    @CsvSource(delimiter = '|', value = {
            "target/properties/time|2026-11-29T10:00:00+01:00|accepts",
            "target/properties/time|2026-11-29T10:00Z|accepts",
            "target/properties/time|2026-11-29T10:00:00.123456789Z|accepts",
            "target/properties/time|2026-11-29T10:00:00+01|accepts",
            "target/properties/time|2026-11-29T10:00:00-01:00:30|accepts",
            "target/properties/time|2026-11-29 10:00:00|refuses",
            "target/properties/time|2026-11-29T10:00:00|refuses",
            "target/properties/time|2026-11-29T10:00:00+0100|refuses",
            "target/properties/time|2026-11-29T10:00:00,5Z|refuses",
            "target/properties/lsn|0/3000060|accepts",
            "target/properties/lsn|A/FFFFFFFF|accepts",
            "target/properties/lsn|0-3000060|refuses",
            "target/properties/lsn|0/123456789|refuses",
            "source/properties/cluster|old-1|accepts",
            "source/properties/cluster|Old|refuses",
            "source/properties/cluster|old-|refuses",
            "source/properties/repository|offsite|accepts",
            "source/properties/repository|off_site|refuses",
            "source/properties/systemIdentifier|7312345678901234567|accepts",
            "source/properties/systemIdentifier|73123x|refuses"})
    void recoveryPatternsAgreeWithCore(String field, String value, String core) throws IOException {
        JsonNode schema = spec().at("/bootstrap/properties/recovery/properties/" + field);
        boolean schemaAccepts = java.util.regex.Pattern.compile(schema.at("/pattern").asText()).matcher(value).find();
        boolean coreAccepts = coreAccepts(field.substring(field.lastIndexOf('/') + 1), value);
        assertThat(coreAccepts).as("core").isEqualTo(core.equals("accepts"));
        assertThat(schemaAccepts).as("the schema's pattern %s", schema.at("/pattern").asText()).isEqualTo(coreAccepts);
    }

    private static boolean coreAccepts(String field, String value) {
        String source = "{cluster: old}";
        String target = "{}";
        switch (field) {
            case "time", "lsn" -> target = "{" + field + ": \"" + value + "\"}";
            default -> source = "{cluster: " + (field.equals("cluster") ? "\"" + value + "\"" : "old")
                    + (field.equals("cluster") ? "" : ", " + field + ": \"" + value + "\"") + "}";
        }
        try {
            io.pgset.core.spec.SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\n"
                    + "metadata: {name: fresh}\nspec: {bootstrap: {recovery: {source: " + source + ", target: "
                    + target + "}}}\n");
            return true;
        } catch (io.pgset.core.spec.SpecException e) {
            assertThat(e.problems()).allSatisfy(p -> assertThat(p).startsWith("spec.bootstrap.recovery."));
            return false;
        }
    }

    private static JsonNode spec() throws IOException {
        return YAML.readTree(GENERATED.toFile()).at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    }
}
