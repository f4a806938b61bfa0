package io.pgset.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    private static final ObjectMapper DATABIND = new ObjectMapper();

    private static JsonTree exact(String text) throws IOException {
        try (JsonParser parser = new JsonFactory().createParser(text)) {
            return JsonText.read(parser, true);
        }
    }

    @Test
    void compactTextRoundTrips() throws IOException {
        String text = "{\"s\":\"x\",\"n\":-7,\"d\":2.5,\"t\":true,\"f\":false,\"z\":null,"
                + "\"o\":{\"a\":[1,[],{}]},\"e\":\"\"}";
        assertThat(JsonText.write(JsonText.parse(text))).isEqualTo(text);
        assertThat(JsonText.parse(text).path("o").path("a").path(0).intValue()).isEqualTo(1);
    }

    @Test
    void writesWhatDatabindWrites() throws IOException {
        String text = "{ \"b\" : [ 1 , 2.50, 1e3, -0.0, 12345678901234567890 ], \"a\" : \"\\u00e9\\t\\u0001/\" }";
        assertThat(JsonText.write(JsonText.parse(text))).isEqualTo(DATABIND.readTree(text).toString());
        assertThat(JsonText.pretty(JsonText.parse(text)))
                .isEqualTo(DATABIND.writerWithDefaultPrettyPrinter().writeValueAsString(DATABIND.readTree(text)));
    }

    @Test
    void integersTakeTheNarrowestTypeThatHoldsThem() throws IOException {
        JsonTree tree = JsonText.parse("[2147483647,2147483648,-9223372036854775808,9223372036854775808]");
        assertThat(tree.path(0).canConvertToInt()).isTrue();
        assertThat(tree.path(1).canConvertToInt()).isFalse();
        assertThat(tree.path(1).longValue()).isEqualTo(2_147_483_648L);
        assertThat(tree.path(2).longValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(tree.path(3).isIntegralNumber()).isTrue();
        assertThat(tree.path(3).bigIntegerValue()).isEqualTo(BigInteger.ONE.shiftLeft(63));
    }

    @Test
    void bigIntegersAreKeptWhole() throws IOException {
        String big = "-123456789012345678901234567890";
        JsonTree tree = JsonText.parse("{\"big\":" + big + "}");
        assertThat(tree.path("big").bigIntegerValue()).isEqualTo(new BigInteger(big));
        assertThat(tree.path("big").asText()).isEqualTo(big);
        assertThat(tree).hasToString("{\"big\":" + big + "}");
    }

    @Test
    void decimalsReadAsDoublesByDefault() throws IOException {
        JsonTree tree = JsonText.parse("[0.90,1e3,1.0]");
        assertThat(tree.path(0).isBigDecimal()).isFalse();
        assertThat(tree.path(0).doubleValue()).isEqualTo(0.9);
        // An exponent makes a double even without a fraction.
        assertThat(tree.path(1).isIntegralNumber()).isFalse();
        assertThat(tree.path(1).asInt()).isEqualTo(1000);
        assertThat(tree).hasToString("[0.9,1000.0,1.0]");
    }

    @Test
    void exactDecimalsAreKeptAsWritten() throws IOException {
        JsonTree tree = exact("[0.90,1e3,12345678901234567890.123456789]");
        assertThat(tree.path(0).isBigDecimal()).isTrue();
        assertThat(tree.path(0).decimalValue()).isEqualTo(new BigDecimal("0.90"));
        assertThat(tree.path(2).decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.123456789"));
        assertThat(tree).hasToString("[0.90,1E+3,12345678901234567890.123456789]");
        // Integers stay integers either way.
        assertThat(exact("7").isIntegralNumber()).isTrue();
    }

    @Test
    void exactAndDoubleReadsOfTheSameShortDecimalAreEqual() throws IOException {
        String text = "{\"ratio\":2.5,\"list\":[0.1,3]}";
        assertThat(exact(text)).isEqualTo(JsonText.parse(text)).hasSameHashCodeAs(JsonText.parse(text));
    }

    @Test
    void notANumberIsADoubleEvenWhenDecimalsAreExact() throws IOException {
        JsonFactory lenient = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        try (JsonParser parser = lenient.createParser("NaN")) {
            JsonTree nan = JsonText.read(parser, true);
            assertThat(nan.isNumber()).isTrue();
            assertThat(nan.doubleValue()).isNaN();
        }
    }

    @Test
    void aDuplicateKeyKeepsItsFirstPlaceAndLastValue() throws IOException {
        String text = "{\"a\":1,\"b\":2,\"a\":3}";
        JsonTree tree = JsonText.parse(text);
        assertThat(tree.size()).isEqualTo(2);
        assertThat(tree).hasToString("{\"a\":3,\"b\":2}");
        assertThat(tree.toString()).isEqualTo(DATABIND.readTree(text).toString());
    }

    @Test
    void deepNestingRoundTrips() throws IOException {
        String text = "[".repeat(200) + "{\"k\":[1]}" + "]".repeat(200);
        JsonTree tree = JsonText.parse(text);
        JsonTree inner = tree;
        for (int i = 0; i < 200; i++) {
            inner = inner.path(0);
        }
        assertThat(inner.path("k").path(0).intValue()).isEqualTo(1);
        assertThat(JsonText.write(tree)).isEqualTo(text);
    }

    @Test
    void stringsAreEscapedAsJsonNeeds() throws IOException {
        JsonTree tree = JsonTree.object().put("s", "q\" b\\ n\n t\t c\u0001 é /");
        assertThat(tree).hasToString("{\"s\":\"q\\\" b\\\\ n\\n t\\t c\\u0001 é /\"}");
        assertThat(JsonText.parse(tree.toString())).isEqualTo(tree);
    }

    @Test
    void bytesAreUtf8BothWays() throws IOException {
        JsonTree tree = JsonTree.object().put("name", "Zoë ✓");
        byte[] bytes = JsonText.bytes(tree);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Zoë ✓\"}");
        assertThat(JsonText.parse(bytes).path("name").textValue()).isEqualTo("Zoë ✓");
    }

    @Test
    void prettyTextIndentsTwoSpacesALevel() {
        JsonTree tree = JsonTree.object().put("a", 1);
        tree.putArray("l").add(1).add(2);
        tree.putObject("o");
        String expected = "{\n  \"a\" : 1,\n  \"l\" : [ 1, 2 ],\n  \"o\" : { }\n}";
        assertThat(JsonText.pretty(tree)).isEqualTo(expected.replace("\n", System.lineSeparator()));
    }

    @Test
    void aMissingValueIsWrittenAsNull() {
        assertThat(JsonText.write(JsonTree.MISSING)).isEqualTo("null");
        assertThat(JsonTree.object().put("m", JsonTree.MISSING)).hasToString("{\"m\":null}");
    }

    @Test
    void nonFiniteDoublesAreWrittenAsStrings() {
        // Plain JSON has no NaN: jackson quotes it, as databind does.
        assertThat(JsonTree.array().add(JsonTree.of(Double.NaN)).add(JsonTree.of(Double.NEGATIVE_INFINITY)))
                .hasToString("[\"NaN\",\"-Infinity\"]");
    }

    @Test
    void scalarsAndNullAreDocumentsToo() throws IOException {
        assertThat(JsonText.parse("null")).isSameAs(JsonTree.NULL);
        assertThat(JsonText.parse(" true ")).isSameAs(JsonTree.TRUE);
        assertThat(JsonText.parse("\"x\"")).isEqualTo(JsonTree.of("x"));
        assertThat(JsonText.parse("42")).isEqualTo(JsonTree.of(42));
    }

    @Test
    void emptyTextIsAnError() {
        assertThatThrownBy(() -> JsonText.parse("")).isInstanceOf(JsonParseException.class)
                .hasMessageContaining("no JSON value: the text is empty");
        assertThatThrownBy(() -> JsonText.parse(" \n ")).isInstanceOf(JsonParseException.class)
                .hasMessageContaining("no JSON value");
        assertThatThrownBy(() -> JsonText.parse(new byte[0])).isInstanceOf(JsonParseException.class)
                .hasMessageContaining("no JSON value");
    }

    @Test
    void optionalTextMayBeAbsentButNotBlank() throws IOException {
        assertThat(JsonText.parseOptional(new byte[0])).isSameAs(JsonTree.MISSING);
        assertThat(JsonText.parseOptional("{\"after\":3}".getBytes(StandardCharsets.UTF_8)).path("after").asLong())
                .isEqualTo(3);
        assertThatThrownBy(() -> JsonText.parseOptional(" ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("no JSON value");
    }

    @Test
    void aSecondValueIsAnError() {
        assertThatThrownBy(() -> JsonText.parse("{\"a\":1} {\"a\":2}")).isInstanceOf(JsonParseException.class)
                .hasMessageContaining("more than one JSON value");
        assertThatThrownBy(() -> JsonText.parse("1 2")).isInstanceOf(JsonParseException.class)
                .hasMessageContaining("more than one JSON value");
        assertThatThrownBy(() -> JsonText.parse("[1] x")).isInstanceOf(JsonParseException.class);
    }

    @Test
    void readTakesOneValueAtATimeThenMissing() throws IOException {
        try (JsonParser parser = new JsonFactory().createParser("1 {\"a\":[2]} \"three\"")) {
            assertThat(JsonText.read(parser, false)).isEqualTo(JsonTree.of(1));
            assertThat(JsonText.read(parser, false)).hasToString("{\"a\":[2]}");
            assertThat(JsonText.read(parser, false).textValue()).isEqualTo("three");
            assertThat(JsonText.read(parser, false)).isSameAs(JsonTree.MISSING);
        }
    }

    @Test
    void truncatedTextIsAnError() {
        for (String text : new String[] {"{\"a\":", "{\"a\":1", "[1,2", "\"open", "{\"a\""}) {
            assertThatThrownBy(() -> JsonText.parse(text)).as(text).isInstanceOf(JsonParseException.class)
                    .hasMessageContaining("end-of-input");
        }
    }

    @Test
    void whatIsNotStrictJsonIsAnError() {
        for (String text : new String[] {"[1,]", "{'a':1}", "{a:1}", "[NaN]", "// c\n1", "{\"a\" 1}", "[01]", "tru"}) {
            assertThatThrownBy(() -> JsonText.parse(text)).as(text).isInstanceOf(JsonParseException.class);
        }
    }
}
