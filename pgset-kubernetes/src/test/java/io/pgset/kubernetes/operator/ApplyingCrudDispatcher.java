package io.pgset.kubernetes.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The fabric8 mock API server's CRUD dispatcher, which has no server-side apply, with an apply
 * patch taken as create-or-merge: a missing object is created, an existing one gets the applied
 * fields merged in (JSON merge patch), so that fields the apply leaves out, such as a Service's
 * clusterIP or the replicas the runtime set, stay. An apply that changes nothing writes nothing,
 * as on a real API server. Unlike a real one it neither tracks field managers nor removes fields
 * an apply no longer sets: the *E2E tests cover that.
 */
final class ApplyingCrudDispatcher extends KubernetesCrudDispatcher {

    private static final String APPLY = "application/apply-patch";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null || !type.startsWith(APPLY)) {
            return super.handlePatch(request);
        }
        String path = request.getPath();
        String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        JsonNode applied = read(YAML, request.getUtf8Body());
        MockResponse current = handleGet(resource);
        if (current.code() == HttpURLConnection.HTTP_NOT_FOUND) {
            String collection = resource.substring(0, resource.lastIndexOf('/'));
            return handleCreate(request(HttpMethod.POST, collection, applied));
        }
        JsonNode existing = read(JSON, current.getBody().readUtf8());
        JsonNode merged = merge(existing.deepCopy(), applied);
        if (merged.equals(existing)) {
            return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(existing.toString());
        }
        return handleUpdate(request(HttpMethod.PUT, resource, merged));
    }

    /** RFC 7386: objects merge field by field, null removes, anything else replaces. */
    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!(patch instanceof ObjectNode patchObject) || !(target instanceof ObjectNode targetObject)) {
            return patch;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patchObject.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isNull()) {
                targetObject.remove(field.getKey());
            } else {
                JsonNode before = targetObject.get(field.getKey());
                targetObject.set(field.getKey(), before == null ? field.getValue() : merge(before, field.getValue()));
            }
        }
        return targetObject;
    }

    private static RecordedRequest request(HttpMethod method, String path, JsonNode body) {
        Headers headers = Headers.builder().add("Content-Type", "application/json").build();
        return new RecordedRequest(method + " " + path + " HTTP/1.1", method, path, headers,
                new Buffer(body.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode read(ObjectMapper mapper, String text) {
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("the mock server cannot read a request or object: " + e.getMessage(), e);
        }
    }
}
