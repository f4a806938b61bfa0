package io.pgset.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The access key pair of an s3 repository. They reach only the instance's private pgbackrest.conf:
 * {@link #toString()} hides the secret so that a log line or an exception cannot carry it.
 *
 * <p>A local secrets file ({@code credentials.file}) holds the same two names that a Kubernetes
 * Secret of an s3 repository holds as keys, one {@code name=value} per line:
 * <pre>
 * # comments and blank lines are ignored
 * accessKeyId=AKIAIOSFODNN7EXAMPLE
 * secretAccessKey=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
 * </pre>
 */
public record S3Keys(String accessKeyId, String secretAccessKey) {

    public static final String ACCESS_KEY_ID = "accessKeyId";
    public static final String SECRET_ACCESS_KEY = "secretAccessKey";

    public S3Keys {
        Objects.requireNonNull(accessKeyId, ACCESS_KEY_ID);
        Objects.requireNonNull(secretAccessKey, SECRET_ACCESS_KEY);
    }

    /**
     * Reads a secrets file's text. Every problem is listed, by line number and never with a value,
     * so that an error message does not leak the secret it failed to read.
     *
     * @throws IllegalArgumentException naming each problem, e.g. "line 3: accessKeyId is given twice"
     */
    public static S3Keys parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String name = equals < 0 ? line : line.substring(0, equals).strip();
            String value = equals < 0 ? "" : line.substring(equals + 1).strip();
            if (equals < 0 || !(name.equals(ACCESS_KEY_ID) || name.equals(SECRET_ACCESS_KEY))) {
                problems.add("line " + (i + 1) + ": expected " + ACCESS_KEY_ID + "=... or " + SECRET_ACCESS_KEY
                        + "=..., got " + described(equals < 0, name));
            } else if (values.containsKey(name)) {
                problems.add("line " + (i + 1) + ": " + name + " is given twice");
            } else if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                problems.add("line " + (i + 1) + ": " + name + " must be one word, without spaces");
            } else {
                values.put(name, value);
            }
        }
        for (String name : List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY)) {
            if (!values.containsKey(name) && problems.stream().noneMatch(p -> p.contains(": " + name + " "))) {
                problems.add(name + " is missing");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new S3Keys(values.get(ACCESS_KEY_ID), values.get(SECRET_ACCESS_KEY));
    }

    /** A misspelt name is quoted; what may be a misplaced secret (long, or with digits or signs) is not. */
    private static String described(boolean withoutEquals, String name) {
        if (withoutEquals) {
            return "a line without '='";
        }
        return name.matches("[A-Za-z_]{1,32}") ? "'" + name + "'" : "a name that is not one of these";
    }

    @Override
    public String toString() {
        return "S3Keys[accessKeyId=" + accessKeyId + ", secretAccessKey=<hidden>]";
    }
}
