package io.pgset.core.spec;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import java.util.Locale;

/** Renders a value the user wrote for the "got X" part of a problem. */
final class Describe {

    /** Long enough for any name the spec allows; longer values only need to be recognisable. */
    private static final int MAX_SHOWN = 64;

    private Describe() {}

    static String node(JsonTree value) {
        if (value.isTextual()) {
            return text(value.textValue());
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isNumber() || value.isBoolean() || value.isNull()) {
            return scalar(value);
        }
        return "a " + value.kind().name().toLowerCase(Locale.ROOT) + " value";
    }

    /** A JSON-quoted string, so the user sees blanks and control characters. */
    static String text(String value) {
        String shown = value.length() <= MAX_SHOWN ? value : value.substring(0, MAX_SHOWN) + "...";
        return JsonText.write(JsonTree.of(shown));
    }

    /** The string form of a YAML scalar, the way postgresql.conf would spell it. */
    static String scalar(JsonTree value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        return value.asText();
    }
}
