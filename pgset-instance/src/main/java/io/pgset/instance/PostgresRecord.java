package io.pgset.instance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pgset.core.json.JsonTree;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One record of postgres's JSON log ({@code log_destination = 'jsonlog'}, PostgreSQL 15): one
 * object a line with {@code timestamp}, {@code error_severity}, {@code message}, {@code state_code},
 * {@code pid}, ... . It becomes a line of pgset's JSON log ({@link #forwarded}) and, for a person,
 * the lines postgres's text log would have had ({@link #readable}).
 *
 * <p>A record is read leniently: when a line was cut (too long to keep whole) or is broken, the
 * fields before the cut are kept and the record says it is {@link #complete() incomplete}.
 *
 * @param fields   postgres's scalar fields, by its names, as text
 * @param complete whether the whole object was read
 * @param length   how long the line was, in bytes (more than was read when it was cut)
 */
public record PostgresRecord(Map<String, String> fields, boolean complete, long length) {

    /** What marks a line of pgset's JSON log as one that came from postgres. */
    static final String SOURCE = "postgres";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final DateTimeFormatter POSTGRES_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final String FORWARDED_MARK = ",\"source\":\"" + SOURCE + "\",";

    /** postgres's fields that a forwarded line carries (after time, level and message), under pgset's names. */
    private static final List<Field> CARRIED = List.of(
            new Field("error_severity", "severity", false),
            new Field("state_code", "sqlstate", false),
            new Field("pid", "pid", true),
            new Field("user", "user", false),
            new Field("dbname", "database", false),
            new Field("application_name", "application", false),
            new Field("backend_type", "backend_type", false),
            new Field("remote_host", "remote_host", false),
            new Field("session_id", "session_id", false),
            new Field("query_id", "query_id", true),
            new Field("detail", "detail", false),
            new Field("hint", "hint", false),
            new Field("context", "context", false),
            new Field("statement", "statement", false),
            new Field("internal_query", "internal_query", false));

    /** The lines after the message that postgres's text log gives these fields, in its order. */
    private static final List<Field> TEXT_LINES = List.of(
            new Field("detail", "DETAIL", false),
            new Field("hint", "HINT", false),
            new Field("internal_query", "QUERY", false),
            new Field("context", "CONTEXT", false),
            new Field("statement", "STATEMENT", false));

    private record Field(String postgres, String pgset, boolean number) {}

    /**
     * Reads a line of postgres's JSON log, or what was kept of it.
     *
     * @param length the line's whole length in bytes
     * @param cut    whether {@code line} is only the beginning of the line, which was too long to keep
     * @return empty for a line that does not begin as a JSON object
     */
    static Optional<PostgresRecord> parse(String line, long length, boolean cut) {
        Map<String, String> fields = new LinkedHashMap<>();
        boolean complete = false;
        try (JsonParser parser = FACTORY.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value != null && value.isScalarValue()) {
                    fields.put(name, parser.getValueAsString());
                } else {
                    parser.skipChildren();
                }
            }
            complete = token == JsonToken.END_OBJECT && !cut;
        } catch (IOException e) {
            if (fields.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(new PostgresRecord(fields, complete, length));
    }

    /** A line of postgres's JSON log as a record; one that is no JSON object becomes a record of its text alone. */
    static PostgresRecord of(String line, long length, boolean cut) {
        return parse(line, length, cut).orElseGet(() -> new PostgresRecord(Map.of("message", line), !cut, length));
    }

    /**
     * A line of postgres's JSON log as the text lines postgres would have written for it
     * ({@code 2026-11-30 05:10:00.123 UTC [4711] ERROR:  message}, then {@code DETAIL:},
     * {@code STATEMENT:}, ... lines with the same prefix); empty for any other line.
     */
    public static Optional<String> readable(String line) {
        if (!line.startsWith("{\"timestamp\":")) {
            return Optional.empty();
        }
        return parse(line, line.length(), false).map(PostgresRecord::text);
    }

    /** Whether a line of pgset's JSON log is a record forwarded from postgres's. */
    public static boolean isForwarded(String pgsetLine) {
        return pgsetLine.startsWith("{\"time\":") && pgsetLine.contains(FORWARDED_MARK);
    }

    /**
     * The record as a line of pgset's JSON log: {@code time}, {@code level}, {@code cluster},
     * {@code pod}, {@code source: postgres}, {@code logger}, {@code message}, then postgres's own
     * fields under the names of {@link #CARRIED}, and {@code truncated: true} for a record that
     * was cut.
     *
     * @param fallback the time for a record whose own cannot be read
     */
    String forwarded(String cluster, String pod, Instant fallback) {
        JsonTree line = JsonTree.object();
        line.put("time", LogLines.time(time().orElse(fallback)));
        line.put("level", level());
        line.put("cluster", cluster);
        line.put("pod", pod);
        line.put("source", SOURCE);
        line.put("logger", SOURCE);
        line.put("message", message());
        for (Field field : CARRIED) {
            String value = fields.get(field.postgres());
            if (value == null || (field.number() && value.equals("0"))) {
                continue; // query_id 0: none computed
            }
            if (field.number() && value.matches("-?\\d{1,18}")) {
                line.put(field.pgset(), Long.parseLong(value));
            } else {
                line.put(field.pgset(), value);
            }
        }
        if (!complete) {
            line.put("truncated", true);
        }
        return line.toString();
    }

    /** pgset's level for postgres's severity: DEBUG1-5 DEBUG; LOG, INFO, NOTICE INFO; WARNING WARN; ERROR, FATAL, PANIC ERROR. */
    String level() {
        String severity = fields.getOrDefault("error_severity", "LOG");
        if (severity.startsWith("DEBUG")) {
            return "DEBUG";
        }
        return switch (severity) {
            case "WARNING" -> "WARN";
            case "ERROR", "FATAL", "PANIC" -> "ERROR";
            default -> "INFO";
        };
    }

    /** When postgres wrote the record, from {@code timestamp} ({@code 2026-11-30 05:10:00.123 UTC}). */
    Optional<Instant> time() {
        String stamp = fields.get("timestamp");
        int space = stamp == null ? -1 : stamp.lastIndexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        try {
            ZoneId zone = ZoneId.of(stamp.substring(space + 1), ZoneId.SHORT_IDS);
            return Optional.of(LocalDateTime.parse(stamp.substring(0, space), POSTGRES_TIME).atZone(zone).toInstant());
        } catch (DateTimeException e) { // a time, or a zone, postgres did not write
            return Optional.empty();
        }
    }

    private String message() {
        String message = fields.get("message");
        if (message != null) {
            return message;
        }
        return complete ? "" : "postgres log record of " + length + " bytes, cut: only its first fields are kept";
    }

    private String text() {
        String prefix = fields.getOrDefault("timestamp", "") + " [" + fields.getOrDefault("pid", "") + "] ";
        StringBuilder out = new StringBuilder(prefix)
                .append(fields.getOrDefault("error_severity", "LOG")).append(":  ").append(message());
        for (Field field : TEXT_LINES) {
            String value = fields.get(field.postgres());
            if (value != null) {
                out.append('\n').append(prefix).append(field.pgset()).append(":  ").append(value);
            }
        }
        return out.toString();
    }
}
