package io.pgset.kubernetes.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.ManifestRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything pgset renders, and the operator's Helm chart, against the published Kubernetes schemas;
 * and the chart's monitoring objects: off by default, when on a PodMonitor per cluster and the alerts.
 */
class ManifestSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path CHART = Path.of("..", "deploy", "helm", "pgset-operator");
    private static KubernetesSchemas schemas;

    @BeforeAll
    static void load() throws IOException {
        schemas = new KubernetesSchemas();
    }

    @Test
    void everyRenderedObjectOfEveryExampleIsValid() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("..", "deploy", "examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path example : examples) {
            String yaml = ManifestRenderer.yaml(new ManifestRenderer(SpecReader.read(example), "prod",
                    ManifestRenderer.DEFAULT_IMAGE).render());
            List<JsonNode> documents = documents(yaml);
            assertThat(documents).extracting(d -> d.path("kind").asText())
                    .contains("Secret", "ConfigMap", "Service", "StatefulSet", "PodDisruptionBudget", "NetworkPolicy");
            for (JsonNode document : documents) {
                assertThat(schemas.problems(document)).as("%s: %s %s", example.getFileName(),
                        document.path("kind").asText(), document.at("/metadata/name").asText()).isEmpty();
            }
        }
    }

    @Test
    void aMisspeltFieldFails() throws IOException {
        JsonNode set = documents(ManifestRenderer.yaml(new ManifestRenderer(SpecReader.defaults("demo"), "prod",
                ManifestRenderer.DEFAULT_IMAGE).render())).stream()
                .filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        ((ObjectNode) set.at("/spec")).put("replicaz", 3);
        ((ObjectNode) set.at("/spec/template/spec/containers/0")).put("imagee", "postgres");
        assertThat(String.join("\n", schemas.problems(set))).contains("replicaz", "imagee");

        JsonNode unknownKind = YAML.readTree("{apiVersion: v1, kind: Podd, metadata: {name: x}}");
        assertThat(schemas.problems(unknownKind)).singleElement().asString().contains("no published schema");
    }

    @Test
    void helmChartRendersValidObjectsForEveryNamespaceScope() throws IOException {
        String clusterWide = new Helm(CHART).template().withName("pgset").withNamespace("pgset-system")
                .withKubeVersion("1.31.0").call();
        List<JsonNode> documents = documents(clusterWide);
        assertThat(documents).extracting(d -> d.path("kind").asText())
                .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment");
        String namespaced = new Helm(CHART).template().withName("pgset").withNamespace("pgset-system")
                .withKubeVersion("1.31.0").set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b").call();
        List<JsonNode> scoped = documents(namespaced);
        assertThat(scoped).extracting(d -> d.path("kind").asText())
                .containsExactlyInAnyOrder("ServiceAccount", "Role", "RoleBinding", "Role", "RoleBinding", "Deployment");
        JsonNode deployment = scoped.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        assertThat(deployment.at("/spec/template/spec/containers/0/args").toString()).contains("--namespace=team-a,team-b");
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        List<JsonNode> all = new ArrayList<>(documents);
        all.addAll(scoped);
        for (JsonNode document : all) {
            assertThat(schemas.problems(document)).as("%s %s", document.path("kind").asText(),
                    document.at("/metadata/name").asText()).isEmpty();
        }
    }

    @Test
    void offByDefaultTheOperatorStillServesItsMetricsPort() throws IOException {
        List<JsonNode> documents = documents(new Helm(CHART).template().withName("pgset").withNamespace("pgset-system")
                .withKubeVersion("1.31.0").call());
        assertThat(documents).extracting(d -> d.path("kind").asText()).doesNotContain("PodMonitor", "PrometheusRule");
        JsonNode container = documents.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow().at("/spec/template/spec/containers/0");
        assertThat(container.path("args").toString()).contains("--metrics-port=8080");
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("metrics");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    }

    @Test
    void whenOnEachListedClusterIsScrapedWithItsTokenAndCaAndTheAlertsAreInstalled() throws IOException {
        List<JsonNode> documents = documents(new Helm(CHART).template().withName("pgset").withNamespace("pgset-system")
                .withKubeVersion("1.31.0")
                .set("monitoring.podMonitor.enabled", "true")
                .set("monitoring.prometheusRule.enabled", "true")
                .set("monitoring.labels.release", "prometheus")
                .set("monitoring.podMonitor.clusters[0].name", "demo")
                .set("monitoring.podMonitor.clusters[0].namespace", "db")
                .call());
        List<JsonNode> monitors = ofKind(documents, "PodMonitor");
        assertThat(monitors).extracting(m -> m.at("/metadata/namespace").asText() + "/" + m.at("/metadata/name").asText())
                .containsExactly("pgset-system/pgset", "db/pgset-demo");
        assertThat(monitors).allSatisfy(m -> assertThat(m.at("/metadata/labels/release").asText()).isEqualTo("prometheus"));
        JsonNode demo = monitors.get(1).at("/spec/podMetricsEndpoints/0");
        assertThat(demo.path("scheme").asText()).isEqualTo("https");
        assertThat(demo.at("/authorization/credentials/name").asText()).isEqualTo("demo-api");
        assertThat(demo.at("/tlsConfig/ca/secret/name").asText()).isEqualTo("demo-ca");
        assertThat(demo.at("/tlsConfig/serverName").asText()).isEqualTo("demo-r.db.svc");
        JsonNode policy = ofKind(documents, "NetworkPolicy").get(0);
        assertThat(schemas.problems(policy)).isEmpty();
        assertThat(policy.at("/metadata/namespace").asText()).isEqualTo("db");

        JsonNode rules = ofKind(documents, "PrometheusRule").get(0).at("/spec/groups/0/rules");
        List<String> alerts = new ArrayList<>();
        rules.forEach(r -> {
            alerts.add(r.path("alert").asText());
            assertThat(r.path("expr").asText()).isNotBlank();
            assertThat(r.at("/labels/severity").asText()).isIn("warning", "critical");
            // Prometheus's own templates reach it untouched by Helm's
            assertThat(r.at("/annotations/summary").asText()).contains("{{ $labels.");
        });
        assertThat(alerts).contains("PgsetInstanceDown", "PgsetReplicationLag", "PgsetArchivingFailing",
                "PgsetStorageNearlyFull", "PgsetCertificateExpiring", "PgsetNoPrimary");
        assertThat(rules.toString()).contains("pgset_volume_used_bytes / pgset_volume_capacity_bytes > 0.8",
                "pgset_certificate_expiry_timestamp_seconds - time() < 7 * 86400");
    }

    private static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }
}
