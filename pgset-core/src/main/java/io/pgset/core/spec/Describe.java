package io.pgset.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Locale;

/** Renders a value the user wrote for the "got X" part of a problem. */
final class Describe {

    /** Long enough for any name the spec allows; longer values only need to be recognisable. */
    private static final int MAX_SHOWN = 64;

    private Describe() {}

    static String node(JsonNode value) {
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
        return "a " + value.getNodeType().name().toLowerCase(Locale.ROOT) + " value";
    }

    /** A JSON-quoted string, so the user sees blanks and control characters. */
    static String text(String value) {
        String shown = value.length() <= MAX_SHOWN ? value : value.substring(0, MAX_SHOWN) + "...";
        return new TextNode(shown).toString();
    }

    /** The string form of a YAML scalar, the way postgresql.conf would spell it. */
    static String scalar(JsonNode value) {
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
