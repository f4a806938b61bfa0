package io.pgset.core.spec;

import io.pgset.core.model.ClusterSpec.PostgresSpec;
import io.pgset.core.spec.ParameterCatalog.Definition;
import io.pgset.core.spec.ParameterCatalog.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@code spec.postgres.parameters} against the installed server before anything is
 * written: a value postgres would refuse makes an instance crash-loop, so it is refused here.
 *
 * <ol>
 *   <li>The name must be one the server's catalog lists ({@code postgres --describe-config}); a
 *       near miss is suggested. Names with a dot belong to extensions and are left to the server.</li>
 *   <li>Booleans, and integers and reals written without a unit, are checked against the
 *       catalog's type and range.</li>
 *   <li>Everything the catalog cannot settle (enum values, units, strings with their own rules,
 *       unknown and extension names) is put to the server itself, which parses the value exactly
 *       as it would at a start ({@link Server}); its refusal becomes the problem.</li>
 * </ol>
 */
public final class ParameterCheck {

    static final String PATH = "spec.postgres.parameters.";

    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile(NUMBER.pattern() + " *([a-zA-Z]+)");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");
    private static final Set<String> UNITS = Set.of("B", "kB", "MB", "GB", "TB", "us", "ms", "s", "min", "h", "d");
    private static final Pattern OUT_OF_RANGE = Pattern.compile("(.*) is outside the valid range for parameter \"[^\"]+\" \\((.+) \\.\\. (.+)\\)");
    private static final Pattern INVALID_VALUE = Pattern.compile("invalid value for parameter \"[^\"]+\": \".*\"");

    /** The installed server, asked about one value. */
    @FunctionalInterface
    public interface Server {
        /**
         * What postgres says when it starts with {@code name = value} (and nothing else set):
         * empty when it takes the value, else its messages (FATAL, HINT, ...).
         */
        String refusal(String name, String value);
    }

    private ParameterCheck() {}

    /** Every problem with the spec's parameters, each naming {@code spec.postgres.parameters.<name>}. */
    public static List<String> problems(ParameterCatalog catalog, PostgresSpec postgres, Server server) {
        List<String> problems = new ArrayList<>();
        postgres.parameters().forEach((name, value) -> check(catalog, name, value, server)
                .ifPresent(problem -> problems.add(PATH + name + ": " + problem)));
        return problems;
    }

    static Optional<String> check(ParameterCatalog catalog, String name, String value, Server server) {
        Optional<Definition> known = catalog.find(name);
        if (known.isEmpty()) {
            Optional<String> said = fromServer(value, server.refusal(name, value));
            if (name.contains(".")) {
                return said; // an extension's: postgres keeps it as a placeholder until the extension loads
            }
            if (said.isPresent() && !said.get().startsWith("unrecognized configuration parameter")) {
                return said; // known to the server, but not settable (block_size, ...)
            }
            return Optional.of("unknown parameter" + catalog.closest(name).map(n -> "; did you mean " + n + "?")
                    .orElse(" (PostgreSQL's postgres --describe-config does not list it)"));
        }
        Definition definition = known.get();
        Optional<String> byCatalog = byCatalog(definition, value);
        if (byCatalog.isPresent()) {
            return byCatalog;
        }
        if (settledByCatalog(definition, value)) {
            return Optional.empty();
        }
        return fromServer(value, server.refusal(name, value));
    }

    /** What the catalog alone shows to be wrong with the value. */
    static Optional<String> byCatalog(Definition definition, String value) {
        String v = value.strip();
        return switch (definition.type()) {
            case BOOL -> bool(v) ? Optional.empty()
                    : Optional.of("must be a boolean (on or off), got " + Describe.text(value));
            case INTEGER, REAL -> number(definition, v, value);
            case STRING, ENUM -> Optional.empty();
        };
    }

    private static Optional<String> number(Definition definition, String v, String value) {
        String kind = definition.type() == Type.INTEGER ? "an integer" : "a number";
        String range = kind + " from " + definition.min() + " to " + definition.max();
        Matcher withUnit = NUMBER_WITH_UNIT.matcher(v);
        if (withUnit.matches()) {
            return UNITS.contains(withUnit.group(4)) ? Optional.empty()
                    : Optional.of("must be " + range + ", optionally with a unit (B, kB, MB, GB, TB, us, ms, s, min,"
                    + " h, d), got " + Describe.text(value));
        }
        if (definition.type() == Type.INTEGER && HEX.matcher(v).matches()) {
            return inRange(definition, new BigDecimal(new java.math.BigInteger(v.substring(2), 16)), range, value);
        }
        if (!NUMBER.matcher(v).matches()) {
            return Optional.of("must be " + range + ", got " + Describe.text(value));
        }
        return inRange(definition, new BigDecimal(v), range, value);
    }

    private static Optional<String> inRange(Definition definition, BigDecimal n, String range, String value) {
        try {
            BigDecimal rounded = definition.type() == Type.INTEGER ? n.setScale(0, java.math.RoundingMode.HALF_UP) : n;
            if (rounded.compareTo(new BigDecimal(definition.min())) < 0
                    || rounded.compareTo(new BigDecimal(definition.max())) > 0) {
                return Optional.of("must be " + range + ", got " + Describe.text(value));
            }
        } catch (NumberFormatException e) {
            return Optional.empty(); // a range the catalog does not spell as a number: the server decides
        }
        return Optional.empty();
    }

    /** Booleans and unit-less numbers are settled by the catalog; the rest needs the server's word. */
    private static boolean settledByCatalog(Definition definition, String value) {
        String v = value.strip();
        return switch (definition.type()) {
            case BOOL -> true;
            case INTEGER, REAL -> NUMBER.matcher(v).matches() || HEX.matcher(v).matches();
            case STRING, ENUM -> false;
        };
    }

    /** postgres's parse_bool: on, off, and unique prefixes of true, false, yes, no; 1 and 0. */
    static boolean bool(String v) {
        String b = v.toLowerCase(Locale.ROOT);
        if (b.isEmpty()) {
            return false;
        }
        if (b.equals("on") || b.equals("off") || b.equals("of") || b.equals("1") || b.equals("0")) {
            return true;
        }
        return "true".startsWith(b) || "false".startsWith(b) || "yes".startsWith(b) || "no".startsWith(b);
    }

    /**
     * The problem in what postgres said when started with the value, phrased to follow the field
     * path; empty when it said nothing (it took the value).
     */
    static Optional<String> fromServer(String value, String said) {
        String fatal = null;
        String hint = null;
        for (String line : said.split("\n")) {
            int f = line.indexOf("FATAL:");
            int h = line.indexOf("HINT:");
            if (f >= 0 && fatal == null) {
                fatal = line.substring(f + 6).strip();
            } else if (h >= 0 && hint == null) {
                hint = line.substring(h + 5).strip();
            }
        }
        if (fatal == null) {
            return said.isBlank() ? Optional.empty() : Optional.of("postgres refuses " + Describe.text(value) + ": "
                    + said.strip());
        }
        Matcher range = OUT_OF_RANGE.matcher(fatal);
        if (range.matches()) {
            return Optional.of("must be from " + range.group(2) + " to " + range.group(3) + " (in the parameter's base"
                    + " unit, here " + range.group(1) + "), got " + Describe.text(value));
        }
        if (INVALID_VALUE.matcher(fatal).matches() && hint != null) {
            if (hint.startsWith("Available values: ")) {
                return Optional.of("must be one of " + stripPeriod(hint.substring(18)) + ", got " + Describe.text(value));
            }
            if (hint.startsWith("Valid units for this parameter are ")) {
                return Optional.of("must be a number with one of the units " + stripPeriod(hint.substring(35))
                        .replace("\"", "") + ", got " + Describe.text(value));
            }
            return Optional.of("postgres refuses " + Describe.text(value) + ": " + stripPeriod(hint));
        }
        if (fatal.contains("requires a Boolean value")) {
            return Optional.of("must be a boolean (on or off), got " + Describe.text(value));
        }
        if (INVALID_VALUE.matcher(fatal).matches()) {
            return Optional.of("postgres refuses " + Describe.text(value));
        }
        return Optional.of(fatal + (hint == null ? "" : " (" + stripPeriod(hint) + ")"));
    }

    private static String stripPeriod(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
