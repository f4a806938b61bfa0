package io.pgset.core.spec;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters an installed PostgreSQL server knows, as {@code postgres --describe-config}
 * lists them: one line per parameter, tab-separated name, context, group, type, default, minimum,
 * maximum, and two descriptions.
 *
 * <p>That listing has names, types, contexts and ranges (in each parameter's base unit), but no
 * units and no enum values, and its defaults of booleans and numbers are not the real ones (the
 * server prints them before it has set them): those come from asking the server itself.
 */
public final class ParameterCatalog {

    /** The kinds of value postgres distinguishes. */
    public enum Type { BOOL, INTEGER, REAL, STRING, ENUM }

    /** When a new value takes effect (pg_settings.context). */
    public enum Context {
        /** Fixed when the server is built or the cluster is made: cannot be set. */
        INTERNAL,
        /** Needs a restart. */
        POSTMASTER,
        SIGHUP,
        SUPERUSER_BACKEND,
        BACKEND,
        SUPERUSER,
        USER;

        /** Whether postgres takes a new value only when it starts again. */
        public boolean restart() {
            return this == POSTMASTER;
        }
    }

    /**
     * One parameter.
     *
     * @param min the smallest value in the base unit, for INTEGER and REAL; empty otherwise
     * @param max the largest, likewise
     */
    public record Definition(String name, Context context, Type type, String min, String max) {}

    private final Map<String, Definition> definitions;

    private ParameterCatalog(Map<String, Definition> definitions) {
        this.definitions = Collections.unmodifiableMap(definitions);
    }

    /**
     * Parses {@code postgres --describe-config} output.
     *
     * @throws IllegalArgumentException naming the line that does not read as a parameter
     */
    public static ParameterCatalog parse(String describeConfig) {
        Map<String, Definition> definitions = new LinkedHashMap<>();
        int number = 0;
        for (String line : describeConfig.split("\n")) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length < 7) {
                throw new IllegalArgumentException("line " + number + " of postgres --describe-config has "
                        + fields.length + " fields, not 9: " + line);
            }
            String name = fields[0].toLowerCase(Locale.ROOT);
            definitions.put(name, new Definition(name, context(fields[1], number), type(fields[3], number),
                    fields[5], fields[6]));
        }
        if (definitions.isEmpty()) {
            throw new IllegalArgumentException("postgres --describe-config listed no parameters");
        }
        return new ParameterCatalog(definitions);
    }

    /** The parameter, whatever the case of its name (postgres ignores it: TimeZone is timezone). */
    public Optional<Definition> find(String name) {
        return Optional.ofNullable(definitions.get(name.toLowerCase(Locale.ROOT)));
    }

    public int size() {
        return definitions.size();
    }

    /** The known name nearest to a misspelt one, when one is near enough to be what was meant. */
    public Optional<String> closest(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        int allowed = Math.max(1, Math.min(3, wanted.length() / 4));
        return definitions.keySet().stream()
                .map(known -> Map.entry(known, distance(wanted, known)))
                .filter(e -> e.getValue() <= allowed)
                .min(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getValue()).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

    /** Levenshtein distance, with a swap of two neighbours counting as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static Context context(String text, int line) {
        try {
            return Context.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("line " + line + " of postgres --describe-config has the unknown"
                    + " context " + text, e);
        }
    }

    private static Type type(String text, int line) {
        return switch (text) {
            case "BOOLEAN" -> Type.BOOL;
            case "INTEGER" -> Type.INTEGER;
            case "REAL" -> Type.REAL;
            case "STRING" -> Type.STRING;
            case "ENUM" -> Type.ENUM;
            default -> throw new IllegalArgumentException("line " + line + " of postgres --describe-config has the"
                    + " unknown type " + text);
        };
    }
}
