package io.pgset.core.spec;

import io.pgset.core.json.JsonTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A mapping of the parsed spec together with its dotted path, e.g. {@code spec.storage}.
 *
 * <p>Each reader takes a field and its default. When the value is wrong it records a problem
 * against the field's full path and returns the default, so that parsing goes on and the user
 * hears about every mistake at once. An absent mapping reads as all defaults; a field written as
 * YAML {@code null} counts as absent, as in Kubernetes manifests.
 */
final class SpecNode {

    private final JsonTree node;
    private final String path;
    private final List<String> problems;

    private SpecNode(JsonTree node, String path, List<String> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    static SpecNode root(JsonTree document, List<String> problems) {
        return new SpecNode(document, "", problems);
    }

    boolean isPresent() {
        return node != null;
    }

    String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    void report(String field, String problem) {
        problems.add(path(field) + ": " + problem);
    }

    /** True when nothing at or below the field has been reported. */
    boolean isClean(String field) {
        String at = path(field);
        return problems.stream().noneMatch(p -> p.startsWith(at + ":") || p.startsWith(at + ".")
                || p.startsWith(at + "["));
    }

    List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        if (node != null) {
            names.addAll(node.fieldNames());
        }
        return names;
    }

    void allowOnly(String... known) {
        List<String> allowed = List.of(known);
        for (String name : fieldNames()) {
            if (!allowed.contains(name)) {
                report(name, "unknown field (known: " + String.join(", ", allowed) + ")");
            }
        }
    }

    SpecNode object(String field) {
        JsonTree value = value(field);
        if (value != null && !value.isObject()) {
            report(field, "must be a mapping, got " + Describe.node(value));
            value = null;
        }
        return new SpecNode(value, path(field), problems);
    }

    SpecNode requiredObject(String field) {
        requirePresent(field);
        return object(field);
    }

    String text(String field, String fallback, Rule... rules) {
        JsonTree value = value(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isTextual()) {
            report(field, "must be a string, got " + Describe.node(value));
            return fallback;
        }
        return checked(field, value.textValue(), rules).orElse(fallback);
    }

    String requiredText(String field, Rule... rules) {
        requirePresent(field);
        return text(field, "", rules);
    }

    /** For values users write either way, like a version {@code 15} or a size in bytes. */
    String textOrInteger(String field, String fallback, Rule... rules) {
        JsonTree value = value(field);
        if (value != null && value.isIntegralNumber()) {
            return checked(field, Describe.scalar(value), rules).orElse(fallback);
        }
        if (value != null && !value.isTextual()) {
            report(field, "must be a string or an integer, got " + Describe.node(value));
            return fallback;
        }
        return text(field, fallback, rules);
    }

    /** A string, number or boolean in its string form; empty (and reported) for anything else. */
    Optional<String> scalar(String field, Rule... rules) {
        JsonTree value = node == null ? null : node.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
            report(field, "must be a string, number or boolean, got " + Describe.node(value));
            return Optional.empty();
        }
        return checked(field, Describe.scalar(value), rules);
    }

    int integer(String field, int fallback, int min, int max) {
        JsonTree value = value(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber()) {
            report(field, "must be an integer, got " + Describe.node(value));
            return fallback;
        }
        BigInteger number = value.bigIntegerValue();
        if (number.compareTo(BigInteger.valueOf(min)) < 0) {
            report(field, "must be >= " + min + ", got " + number);
            return fallback;
        }
        if (number.compareTo(BigInteger.valueOf(max)) > 0) {
            report(field, "must be <= " + max + ", got " + number);
            return fallback;
        }
        return number.intValue();
    }

    boolean bool(String field, boolean fallback) {
        JsonTree value = value(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            report(field, "must be true or false, got " + Describe.node(value));
            return fallback;
        }
        return value.booleanValue();
    }

    List<String> texts(String field, List<String> fallback, Rule... rules) {
        JsonTree value = value(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isArray()) {
            report(field, "must be a list, got " + Describe.node(value));
            return fallback;
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonTree item = value.get(i);
            String at = field + "[" + i + "]";
            if (item.isTextual()) {
                checked(at, item.textValue(), rules).ifPresent(items::add);
            } else {
                report(at, "must be a string, got " + Describe.node(item));
            }
        }
        return List.copyOf(items);
    }

    /** The mappings of a list, each with its indexed path ({@code repositories[0]}); empty when absent. */
    List<SpecNode> objects(String field) {
        JsonTree value = value(field);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            report(field, "must be a list, got " + Describe.node(value));
            return List.of();
        }
        List<SpecNode> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonTree item = value.get(i);
            String at = field + "[" + i + "]";
            if (item.isObject()) {
                items.add(new SpecNode(item, path(at), problems));
            } else {
                report(at, "must be a mapping, got " + Describe.node(item));
            }
        }
        return List.copyOf(items);
    }

    /** True when the field is there and not YAML {@code null}. */
    boolean has(String field) {
        return value(field) != null;
    }

    private JsonTree value(String field) {
        JsonTree value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private void requirePresent(String field) {
        if (node != null && value(field) == null) {
            report(field, "is required");
        }
    }

    /** Reports the first rule the value breaks: later rules usually assume the earlier hold. */
    private Optional<String> checked(String field, String value, Rule... rules) {
        for (Rule rule : rules) {
            Optional<String> problem = rule.check(value);
            if (problem.isPresent()) {
                report(field, problem.get());
                return Optional.empty();
            }
        }
        return Optional.of(value);
    }
}
