package io.pgset.kubernetes.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The published Kubernetes API schemas (fabric8's kubernetes-model-validator ships them, up to
 * Kubernetes 1.34, as one Swagger document), made strict as kubeconform's are: an object that
 * lists its properties accepts no other, so a misspelt field fails. IntOrString and Quantity
 * accept numbers, as the API server does.
 */
final class KubernetesSchemas {

    private static final String LOCATION = "https://schemas.pgset.io/kubernetes.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode definitions;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new HashMap<>();

    KubernetesSchemas() throws IOException {
        JsonNode document;
        try (InputStream in = KubernetesSchemas.class.getResourceAsStream("/openshift-generated.json")) {
            if (in == null) {
                throw new IOException("openshift-generated.json is not on the class path (kubernetes-model-validator)");
            }
            document = JSON.readTree(in);
        }
        definitions = (ObjectNode) document.get("definitions");
        definitions.forEach(KubernetesSchemas::closeObjects);
        definitions.set("io.k8s.apimachinery.pkg.util.intstr.IntOrString", either("string", "integer"));
        definitions.set("io.k8s.apimachinery.pkg.api.resource.Quantity", either("string", "number"));
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "http://json-schema.org/draft-04/schema#");
        root.set("definitions", definitions);
        String text = root.toString();
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4, b -> b.schemas(Map.of(LOCATION, text)));
    }

    /** What is wrong with one manifest; empty when it is valid. Unknown kinds are an error, never a pass. */
    List<String> problems(JsonNode manifest) {
        String apiVersion = manifest.path("apiVersion").asText();
        String kind = manifest.path("kind").asText();
        String definition = definition(apiVersion, kind);
        if (!definitions.has(definition)) {
            return List.of("no published schema for " + apiVersion + " " + kind + " (looked for " + definition + ")");
        }
        Schema schema = schemas.computeIfAbsent(definition,
                d -> registry.getSchema(SchemaLocation.of(LOCATION + "#/definitions/" + d)));
        return schema.validate(manifest).stream().map(Error::toString).toList();
    }

    /** {@code networking.k8s.io/v1 NetworkPolicy} is {@code io.k8s.api.networking.v1.NetworkPolicy}. */
    private static String definition(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "core" : apiVersion.substring(0, slash).split("\\.")[0];
        String version = apiVersion.substring(slash + 1);
        return "io.k8s.api." + group + "." + version + "." + kind;
    }

    private static void closeObjects(JsonNode schema) {
        if (!(schema instanceof ObjectNode object)) {
            return;
        }
        if (object.get("properties") instanceof ObjectNode properties) {
            if (!object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            properties.forEach(KubernetesSchemas::closeObjects);
        }
        closeObjects(object.get("items"));
        closeObjects(object.get("additionalProperties"));
        for (String combination : List.of("allOf", "anyOf", "oneOf")) {
            if (object.get(combination) instanceof ArrayNode options) {
                options.forEach(KubernetesSchemas::closeObjects);
            }
        }
    }

    private static ObjectNode either(String type, String other) {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode options = node.putArray("anyOf");
        options.addObject().put("type", type);
        options.addObject().put("type", other);
        return node;
    }
}
