package io.pgset.instance;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import io.pgset.core.model.LogFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The lines pgset's own processes log, in either {@link LogFormat}, and the way back from a JSON
 * line to the text one for people ({@code pgset logs}). The one place both forms are defined.
 *
 * <p>Text: {@code 2026-11-30T05:10:00.123Z INFO cluster=demo pod=demo-0 started}, an exception's
 * stack trace on the lines after. JSON: one object a line with {@code time} (RFC 3339, UTC),
 * {@code level}, {@code cluster} and {@code pod} when the line is about one, {@code logger},
 * {@code message} and {@code exception} (the stack trace) when there is one. Every pgset log line
 * begins with what it is about ({@code cluster=demo pod=demo-0 ...}, see the code style): those
 * leading fields become the JSON object's own.
 */
public final class LogLines {

    /** The system property that carries the format to a process and the daemons it starts. */
    public static final String PROPERTY = "pgset.log.format";
    /** The environment variable that sets it when the property does not (a pod's container). */
    public static final String ENVIRONMENT = "PGSET_LOG_FORMAT";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);
    /** The leading {@code key=value} words that say what a line is about, in the order they are written. */
    private static final List<String> CONTEXT = List.of("cluster", "pod", "service");

    private LogLines() {}

    /**
     * The format from {@link #PROPERTY}, else {@link #ENVIRONMENT}, else text.
     *
     * @throws IllegalArgumentException naming the setting and the accepted values, for another value
     */
    public static LogFormat configured(Properties properties, Map<String, String> environment) {
        String property = properties.getProperty(PROPERTY);
        if (property != null) {
            return of(PROPERTY, property);
        }
        String env = environment.get(ENVIRONMENT);
        return env == null || env.isBlank() ? LogFormat.TEXT : of(ENVIRONMENT, env.strip());
    }

    private static LogFormat of(String setting, String value) {
        try {
            return LogFormat.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
        }
    }

    /** The line (and, in text, a stack trace's lines after it), without the final line break. */
    public static String format(LogFormat format, Instant time, String level, String logger, String message,
                                Throwable thrown) {
        if (format == LogFormat.TEXT) {
            return TIME.format(time) + " " + level + " " + message + (thrown == null ? "" : "\n" + stackTrace(thrown));
        }
        JsonTree line = JsonTree.object();
        line.put("time", time(time));
        line.put("level", level);
        String rest = message;
        for (String key : CONTEXT) {
            String prefix = key + "=";
            if (rest.startsWith(prefix)) {
                int end = rest.indexOf(' ');
                line.put(key, rest.substring(prefix.length(), end < 0 ? rest.length() : end));
                rest = end < 0 ? "" : rest.substring(end + 1);
            }
        }
        line.put("logger", logger);
        line.put("message", rest);
        if (thrown != null) {
            line.put("exception", stackTrace(thrown));
        }
        return line.toString();
    }

    /** A time as every pgset log line gives it: RFC 3339, UTC, milliseconds. */
    static String time(Instant time) {
        return TIME.format(time);
    }

    /**
     * A JSON line as the text line with the same content; empty for a line that is not one of
     * pgset's JSON lines (a text line, postgres's output, a stack trace).
     */
    public static Optional<String> readable(String line) {
        if (!line.startsWith("{\"time\":")) {
            return Optional.empty();
        }
        JsonTree node;
        try {
            node = JsonText.parse(line);
        } catch (IOException e) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder(node.path("time").asText()).append(' ')
                .append(node.path("level").asText());
        for (String key : CONTEXT) {
            if (node.has(key)) {
                text.append(' ').append(key).append('=').append(node.get(key).asText());
            }
        }
        text.append(' ').append(node.path("message").asText());
        if (node.has("exception")) {
            text.append('\n').append(node.get("exception").asText().stripTrailing());
        }
        return Optional.of(text.toString());
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return out.toString().stripTrailing();
    }
}
