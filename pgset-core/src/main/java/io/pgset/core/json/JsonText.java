package io.pgset.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@link JsonTree} to and from text, on jackson-core's streaming parser and generator alone (no
 * jackson-databind). The same walk serves YAML: {@link #read(JsonParser, boolean)} and
 * {@link #write(JsonTree, JsonGenerator)} take any of jackson's parsers and generators, and call
 * them as databind's tree did, so a document is written byte for byte as before.
 */
public final class JsonText {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonText() {}

    /** One JSON value; numbers with a fraction or an exponent read as doubles. */
    public static JsonTree parse(String text) throws IOException {
        try (JsonParser parser = JSON.createParser(text)) {
            return only(parser);
        }
    }

    public static JsonTree parse(byte[] text) throws IOException {
        try (JsonParser parser = JSON.createParser(text)) {
            return only(parser);
        }
    }

    /** As {@link #parse(byte[])}, but no text at all (a request without a body) reads as {@link JsonTree#MISSING}. */
    public static JsonTree parseOptional(byte[] text) throws IOException {
        return text.length == 0 ? JsonTree.MISSING : parse(text);
    }

    private static JsonTree only(JsonParser parser) throws IOException {
        JsonTree value = read(parser, false);
        if (value.isMissingNode()) {
            throw new JsonParseException(parser, "no JSON value: the text is empty");
        }
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "more than one JSON value");
        }
        return value;
    }

    /**
     * The next value of {@code parser}: {@link JsonTree#MISSING} at the end of the input.
     *
     * @param exactDecimals numbers with a fraction as written ({@code 0.90} stays {@code 0.90}),
     *                      not as doubles
     */
    public static JsonTree read(JsonParser parser, boolean exactDecimals) throws IOException {
        JsonToken token = parser.nextToken();
        return token == null ? JsonTree.MISSING : value(parser, token, exactDecimals);
    }

    private static JsonTree value(JsonParser parser, JsonToken token, boolean exactDecimals) throws IOException {
        switch (token) {
            case START_OBJECT: {
                JsonTree object = JsonTree.object();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String field = parser.currentName();
                    object.put(field, value(parser, parser.nextToken(), exactDecimals));
                }
                return object;
            }
            case START_ARRAY: {
                JsonTree array = JsonTree.array();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(parser, t, exactDecimals));
                }
                return array;
            }
            case VALUE_STRING:
                return JsonTree.of(parser.getText());
            case VALUE_NUMBER_INT:
                return switch (parser.getNumberType()) {
                    case INT -> JsonTree.of(parser.getIntValue());
                    case LONG -> JsonTree.of(parser.getLongValue());
                    default -> JsonTree.of(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return exactDecimals && !parser.isNaN() ? JsonTree.of(parser.getDecimalValue())
                        : JsonTree.of(parser.getDoubleValue());
            case VALUE_TRUE:
                return JsonTree.TRUE;
            case VALUE_FALSE:
                return JsonTree.FALSE;
            case VALUE_NULL:
                return JsonTree.NULL;
            default:
                throw new JsonParseException(parser, "unsupported value (" + token + "): only mappings, lists,"
                        + " strings, numbers, booleans and null are read");
        }
    }

    /** Compact JSON. */
    public static String write(JsonTree value) {
        return text(value, false);
    }

    /** Compact JSON in UTF-8. */
    public static byte[] bytes(JsonTree value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /** JSON indented for people: two spaces a level, {@code "name" : value}. */
    public static String pretty(JsonTree value) {
        return text(value, true);
    }

    private static String text(JsonTree value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            if (pretty) {
                generator.useDefaultPrettyPrinter();
            }
            write(value, generator);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    /** Writes {@code value} with {@code generator}, a JSON or YAML one; a missing value is written as null. */
    @SuppressWarnings("unchecked")
    public static void write(JsonTree value, JsonGenerator generator) throws IOException {
        Object raw = value.raw();
        switch (value.kind()) {
            case OBJECT -> {
                generator.writeStartObject(value);
                for (Map.Entry<String, JsonTree> field : ((Map<String, JsonTree>) raw).entrySet()) {
                    generator.writeFieldName(field.getKey());
                    write(field.getValue(), generator);
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                List<JsonTree> elements = (List<JsonTree>) raw;
                generator.writeStartArray(value, elements.size());
                for (JsonTree element : elements) {
                    write(element, generator);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString((String) raw);
            case NUMBER -> number(raw, generator);
            case BOOLEAN -> generator.writeBoolean((Boolean) raw);
            case NULL, MISSING -> generator.writeNull();
        }
    }

    private static void number(Object n, JsonGenerator generator) throws IOException {
        if (n instanceof Integer i) {
            generator.writeNumber(i);
        } else if (n instanceof Long l) {
            generator.writeNumber(l);
        } else if (n instanceof BigInteger big) {
            generator.writeNumber(big);
        } else if (n instanceof BigDecimal decimal) {
            generator.writeNumber(decimal);
        } else {
            generator.writeNumber(((Number) n).doubleValue());
        }
    }
}
