package io.pgset.instance;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecException;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The bodies of the instance API's actions, read strictly, before anything is done: a missing or
 * wrongly typed field is a {@link ApiServer.BadRequest} that names every such field and what it
 * must be. Read leniently, a missing port became port 0 and a body without {@code slots} became
 * "keep no slot", which drops every replica's slot.
 */
final class RequestBodies {

    static final String HOST = "a host name or address (a string)";
    static final String PORT = "an integer 1-65535";
    static final String SLOTS = "an array of replication slot names";
    static final String SLOT = "a replication slot name (a string)";
    static final String BACKUP_TYPE = "full, diff or incr";
    static final String REPO = "a repository number (an integer from 1)";
    static final String SPEC = "a cluster spec, as spec.yaml holds it (a string)";

    /** What {@code POST /backup} asks for: a backup of this type into repository {@code repo}, numbered from 1. */
    record BackupRequest(BackupSpec.BackupType type, int repo) {}

    private RequestBodies() {}

    /** {@code {"host": "10.0.0.7", "port": 5432}}: the primary to follow or hand over to. */
    static InstanceOptions.Endpoint endpoint(byte[] body) throws ApiServer.BadRequest {
        JsonTree node = object(body);
        List<String> problems = new ArrayList<>();
        check(problems, "host", node.get("host"), HOST, n -> n.isTextual() && !n.asText().isBlank());
        check(problems, "port", node.get("port"), PORT,
                n -> n.isIntegralNumber() && n.canConvertToInt() && n.intValue() >= 1 && n.intValue() <= 65535);
        reject(problems);
        return new InstanceOptions.Endpoint(node.get("host").asText(), node.get("port").intValue());
    }

    /** {@code {"slots": ["demo_1", "demo_2"]}}: exactly the slots to keep (an empty array keeps none). */
    static List<String> slots(byte[] body) throws ApiServer.BadRequest {
        JsonTree slots = object(body).get("slots");
        List<String> problems = new ArrayList<>();
        check(problems, "slots", slots, SLOTS, JsonTree::isArray);
        reject(problems);
        for (int i = 0; i < slots.size(); i++) {
            check(problems, "slots[" + i + "]", slots.get(i), SLOT, n -> n.isTextual() && !n.asText().isBlank());
        }
        reject(problems);
        List<String> names = new ArrayList<>();
        slots.forEach(n -> names.add(n.asText()));
        return names;
    }

    /** {@code {"type": "full", "repo": 1}}: the repository is checked against the spec by whoever runs it. */
    static BackupRequest backup(byte[] body) throws ApiServer.BadRequest {
        JsonTree node = object(body);
        List<String> problems = new ArrayList<>();
        check(problems, "type", node.get("type"), BACKUP_TYPE,
                n -> n.isTextual() && List.of("full", "diff", "incr").contains(n.asText()));
        check(problems, "repo", node.get("repo"), REPO, n -> n.isIntegralNumber() && n.canConvertToInt() && n.intValue() >= 1);
        reject(problems);
        return new BackupRequest(BackupSpec.BackupType.of(node.get("type").asText()), node.get("repo").intValue());
    }

    /**
     * {@code {"spec": "<spec.yaml>"}}, or no body: the spec the controller wants loaded, when it hands
     * one over (in a pod, the mounted spec file follows a change only a minute or so later). A spec
     * that does not read is refused with its problems.
     */
    static Optional<ClusterSpec> reload(byte[] body) throws ApiServer.BadRequest {
        if (body.length == 0) {
            return Optional.empty();
        }
        JsonTree spec = object(body).get("spec");
        List<String> problems = new ArrayList<>();
        check(problems, "spec", spec, SPEC, n -> n.isTextual() && !n.asText().isBlank());
        reject(problems);
        try {
            return Optional.of(SpecReader.read(spec.asText()));
        } catch (SpecException e) {
            throw new ApiServer.BadRequest("spec: " + String.join("; ", e.problems()));
        }
    }

    private static JsonTree object(byte[] body) throws ApiServer.BadRequest {
        if (body.length == 0) {
            throw new ApiServer.BadRequest("body: required, a JSON object");
        }
        try {
            JsonTree node = JsonText.parse(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // not JSON: said below
        }
        throw new ApiServer.BadRequest("body: a JSON object expected");
    }

    private static void check(List<String> problems, String field, JsonTree value, String expected,
                              Predicate<JsonTree> valid) {
        if (value == null || value.isNull()) {
            problems.add(field + ": required, " + expected);
        } else if (!valid.test(value)) {
            String got = value.toString();
            problems.add(field + ": " + expected + ", got " + (got.length() > 40 ? got.substring(0, 40) + "..." : got));
        }
    }

    private static void reject(List<String> problems) throws ApiServer.BadRequest {
        if (!problems.isEmpty()) {
            throw new ApiServer.BadRequest(String.join("; ", problems));
        }
    }
}
