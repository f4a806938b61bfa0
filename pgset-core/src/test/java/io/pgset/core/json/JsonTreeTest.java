package io.pgset.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTreeTest {

    private static JsonTree sample() {
        JsonTree tree = JsonTree.object().put("name", "demo").put("n", 7).put("z", (String) null);
        tree.putObject("inner").put("deep", true);
        tree.putArray("list").add("a").add(2);
        return tree;
    }

    private static List<JsonTree> listOf(Iterable<JsonTree> values) {
        List<JsonTree> list = new ArrayList<>();
        values.forEach(list::add);
        return list;
    }

    @Test
    void pathIsNeverNullAndChainsThroughMissingValues() {
        JsonTree tree = sample();
        assertThat(tree.path("nothing")).isSameAs(JsonTree.MISSING);
        assertThat(tree.path("nothing").path("deeper").path(3).isMissingNode()).isTrue();
        assertThat(tree.path("name").path("x").isMissingNode()).isTrue();
        assertThat(tree.path("list").path(5).isMissingNode()).isTrue();
        assertThat(tree.path("list").path(-1).isMissingNode()).isTrue();
        assertThat(tree.path("inner").path("deep").booleanValue()).isTrue();
        assertThat(tree.path("list").path(1).intValue()).isEqualTo(2);
    }

    @Test
    void getIsNullWhereThereIsNothing() {
        JsonTree tree = sample();
        assertThat(tree.get("nothing")).isNull();
        assertThat(tree.get(0)).isNull();
        assertThat(tree.path("list").get("a")).isNull();
        assertThat(tree.path("list").get(2)).isNull();
        assertThat(tree.path("list").get(-1)).isNull();
        assertThat(JsonTree.of("text").get("x")).isNull();
        assertThat(JsonTree.MISSING.get("x")).isNull();
        assertThat(tree.get("name")).isEqualTo(JsonTree.of("demo"));
    }

    @Test
    void aFieldSetToNullIsPresentAsNullNotMissing() {
        JsonTree tree = sample();
        assertThat(tree.get("z")).isSameAs(JsonTree.NULL);
        assertThat(tree.has("z")).isTrue();
        assertThat(tree.has("nothing")).isFalse();
        assertThat(JsonTree.object().put("t", (JsonTree) null).get("t")).isSameAs(JsonTree.NULL);
        assertThat(JsonTree.array().add((JsonTree) null).get(0)).isSameAs(JsonTree.NULL);
        assertThat(JsonTree.of((String) null)).isSameAs(JsonTree.NULL);
        assertThat(JsonTree.of((BigInteger) null)).isSameAs(JsonTree.NULL);
        assertThat(JsonTree.of((BigDecimal) null)).isSameAs(JsonTree.NULL);
    }

    @Test
    void kindsAnswerTheirQuestions() {
        assertThat(JsonTree.object().kind()).isEqualTo(JsonTree.Kind.OBJECT);
        assertThat(JsonTree.object().isContainerNode()).isTrue();
        assertThat(JsonTree.array().isArray()).isTrue();
        assertThat(JsonTree.array().isContainerNode()).isTrue();
        assertThat(JsonTree.of("1").isTextual()).isTrue();
        assertThat(JsonTree.of("1").isNumber()).isFalse();
        assertThat(JsonTree.of("1").isContainerNode()).isFalse();
        assertThat(JsonTree.of(false).isBoolean()).isTrue();
        assertThat(JsonTree.of(true)).isSameAs(JsonTree.TRUE);
        assertThat(JsonTree.NULL.isNull()).isTrue();
        assertThat(JsonTree.NULL.isMissingNode()).isFalse();
        assertThat(JsonTree.MISSING.isNull()).isFalse();
    }

    @Test
    void integralNumbersAreThoseWithoutAPointOrExponent() {
        assertThat(JsonTree.of(1).isIntegralNumber()).isTrue();
        assertThat(JsonTree.of(1L).isIntegralNumber()).isTrue();
        assertThat(JsonTree.of(new BigInteger("123456789012345678901234")).isIntegralNumber()).isTrue();
        assertThat(JsonTree.of(1.0).isIntegralNumber()).isFalse();
        assertThat(JsonTree.of(new BigDecimal("1")).isIntegralNumber()).isFalse();
        assertThat(JsonTree.of(new BigDecimal("1")).isBigDecimal()).isTrue();
        assertThat(JsonTree.of(1.5).isBigDecimal()).isFalse();
        assertThat(JsonTree.of("1").isIntegralNumber()).isFalse();
    }

    @Test
    void canConvertToIntOnlyForIntegersInRange() {
        assertThat(JsonTree.of(Integer.MAX_VALUE).canConvertToInt()).isTrue();
        assertThat(JsonTree.of(Integer.MIN_VALUE).canConvertToInt()).isTrue();
        assertThat(JsonTree.of((long) Integer.MIN_VALUE).canConvertToInt()).isTrue();
        assertThat(JsonTree.of(Integer.MAX_VALUE + 1L).canConvertToInt()).isFalse();
        assertThat(JsonTree.of(Integer.MIN_VALUE - 1L).canConvertToInt()).isFalse();
        assertThat(JsonTree.of(BigInteger.TEN).canConvertToInt()).isTrue();
        // Unlike JsonNode, which says yes for any double in range: the Javadoc promises an integer.
        assertThat(JsonTree.of(1.0).canConvertToInt()).isFalse();
        assertThat(JsonTree.of("1").canConvertToInt()).isFalse();
    }

    @Test
    void valueAccessorsAreStrictAndZeroForNonNumbers() {
        assertThat(JsonTree.of("42").intValue()).isZero();
        assertThat(JsonTree.of("42").textValue()).isEqualTo("42");
        assertThat(JsonTree.of(42).textValue()).isNull();
        assertThat(JsonTree.of("true").booleanValue()).isFalse();
        assertThat(JsonTree.of(1).booleanValue()).isFalse();
        assertThat(JsonTree.TRUE.booleanValue()).isTrue();
        assertThat(JsonTree.of(2.9).intValue()).isEqualTo(2);
        assertThat(JsonTree.of(5_000_000_000L).longValue()).isEqualTo(5_000_000_000L);
        assertThat(JsonTree.of(7).doubleValue()).isEqualTo(7.0);
        assertThat(JsonTree.NULL.longValue()).isZero();
        assertThat(JsonTree.object().doubleValue()).isZero();
    }

    @Test
    void bigValuesConvertBetweenEachOther() {
        BigInteger big = new BigInteger("12345678901234567890");
        assertThat(JsonTree.of(big).bigIntegerValue()).isEqualTo(big);
        assertThat(JsonTree.of(big).decimalValue()).isEqualTo(new BigDecimal(big));
        assertThat(JsonTree.of(7).bigIntegerValue()).isEqualTo(BigInteger.valueOf(7));
        assertThat(JsonTree.of(new BigDecimal("2.7")).bigIntegerValue()).isEqualTo(BigInteger.TWO);
        assertThat(JsonTree.of(new BigDecimal("0.90")).decimalValue()).isEqualTo(new BigDecimal("0.90"));
        // A double's decimal is the one it is written as, not its exact binary expansion.
        assertThat(JsonTree.of(0.1).decimalValue()).isEqualTo(new BigDecimal("0.1"));
        assertThat(JsonTree.of(3L).decimalValue()).isEqualTo(new BigDecimal("3"));
        assertThat(JsonTree.of("3").bigIntegerValue()).isEqualTo(BigInteger.ZERO);
        assertThat(JsonTree.NULL.decimalValue()).isEqualTo(BigDecimal.ZERO);
    }

    @Test
    void asTextGivesScalarsInTheirJsonFormAndContainersEmpty() {
        assertThat(JsonTree.of("x y").asText()).isEqualTo("x y");
        assertThat(JsonTree.of(42).asText()).isEqualTo("42");
        assertThat(JsonTree.of(1.0).asText()).isEqualTo("1.0");
        assertThat(JsonTree.of(new BigDecimal("0.90")).asText()).isEqualTo("0.90");
        assertThat(JsonTree.of(new BigInteger("12345678901234567890")).asText()).isEqualTo("12345678901234567890");
        assertThat(JsonTree.FALSE.asText()).isEqualTo("false");
        assertThat(JsonTree.NULL.asText()).isEqualTo("null");
        assertThat(JsonTree.MISSING.asText()).isEmpty();
        assertThat(sample().asText()).isEmpty();
        assertThat(JsonTree.array().add(1).asText()).isEmpty();
    }

    @Test
    void asTextFallsBackOnlyForNullAndMissing() {
        assertThat(JsonTree.NULL.asText("none")).isEqualTo("none");
        assertThat(JsonTree.MISSING.asText("none")).isEqualTo("none");
        // An empty string is a value, as in JsonNode.
        assertThat(JsonTree.of("").asText("none")).isEmpty();
        assertThat(JsonTree.of(0).asText("none")).isEqualTo("0");
        assertThat(JsonTree.object().asText("none")).isEmpty();
    }

    @Test
    void asIntParsesTextThatHoldsANumber() {
        assertThat(JsonTree.of("42").asInt()).isEqualTo(42);
        assertThat(JsonTree.of(" 42\n").asInt()).isEqualTo(42);
        assertThat(JsonTree.of("-7").asInt(1)).isEqualTo(-7);
        assertThat(JsonTree.of("+7").asInt(1)).isEqualTo(7);
        assertThat(JsonTree.of("1e3").asInt()).isEqualTo(1000);
        // Text with a fraction is truncated toward zero, as a double would be.
        assertThat(JsonTree.of("2.9").asInt()).isEqualTo(2);
        assertThat(JsonTree.of("-2.9").asLong()).isEqualTo(-2);
        assertThat(JsonTree.of("5000000000").asLong()).isEqualTo(5_000_000_000L);
        // Past 2^53 a double would lose the last digit: spaces must not send the text through one.
        assertThat(JsonTree.of(" 9007199254740993 ").asLong()).isEqualTo(9_007_199_254_740_993L);
    }

    @Test
    void asIntFallsBackForWhatHoldsNoNumber() {
        assertThat(JsonTree.of("many").asInt(9)).isEqualTo(9);
        assertThat(JsonTree.of("").asInt(9)).isEqualTo(9);
        assertThat(JsonTree.of("  ").asLong(9)).isEqualTo(9);
        assertThat(JsonTree.of("12abc").asInt(9)).isEqualTo(9);
        assertThat(JsonTree.of("true").asInt(9)).isEqualTo(9);
        assertThat(JsonTree.NULL.asInt(9)).isEqualTo(9);
        assertThat(JsonTree.MISSING.asLong(9)).isEqualTo(9);
        assertThat(JsonTree.object().asInt(9)).isEqualTo(9);
        assertThat(JsonTree.array().add(1).asInt(9)).isEqualTo(9);
        assertThat(JsonTree.MISSING.asInt()).isZero();
    }

    @Test
    void asIntTakesNumbersAndBooleansWithoutTheFallback() {
        assertThat(JsonTree.of(2.9).asInt(9)).isEqualTo(2);
        assertThat(JsonTree.of(5_000_000_000L).asLong(9)).isEqualTo(5_000_000_000L);
        assertThat(JsonTree.of(new BigDecimal("12.5")).asLong(9)).isEqualTo(12);
        assertThat(JsonTree.TRUE.asInt(9)).isEqualTo(1);
        assertThat(JsonTree.FALSE.asInt(9)).isZero();
        assertThat(JsonTree.of(0).asInt(9)).isZero();
    }

    @Test
    void asDoubleParsesTextAndFallsBack() {
        assertThat(JsonTree.of(" 2.5 ").asDouble()).isEqualTo(2.5);
        assertThat(JsonTree.of("1e3").asDouble()).isEqualTo(1000.0);
        assertThat(JsonTree.of("7").asDouble(1.5)).isEqualTo(7.0);
        assertThat(JsonTree.of("seven").asDouble(1.5)).isEqualTo(1.5);
        assertThat(JsonTree.of("").asDouble(1.5)).isEqualTo(1.5);
        assertThat(JsonTree.of(new BigDecimal("0.90")).asDouble(1.5)).isEqualTo(0.9);
        assertThat(JsonTree.of(3).asDouble(1.5)).isEqualTo(3.0);
        assertThat(JsonTree.TRUE.asDouble(1.5)).isEqualTo(1.0);
        assertThat(JsonTree.NULL.asDouble(1.5)).isEqualTo(1.5);
        assertThat(JsonTree.object().asDouble(1.5)).isEqualTo(1.5);
        assertThat(JsonTree.MISSING.asDouble()).isZero();
    }

    @Test
    void asBooleanTakesBooleansNumbersAndTheWordsTrueAndFalse() {
        assertThat(JsonTree.TRUE.asBoolean()).isTrue();
        assertThat(JsonTree.FALSE.asBoolean(true)).isFalse();
        assertThat(JsonTree.of("true").asBoolean()).isTrue();
        assertThat(JsonTree.of(" false ").asBoolean(true)).isFalse();
        assertThat(JsonTree.of(2).asBoolean()).isTrue();
        assertThat(JsonTree.of(0.5).asBoolean()).isTrue();
        assertThat(JsonTree.of(0).asBoolean(true)).isFalse();
        assertThat(JsonTree.of(0.0).asBoolean(true)).isFalse();
    }

    @Test
    void asBooleanFallsBackForAnythingElse() {
        // Only the JSON words, case and all: not yes, on, 1 or TRUE.
        assertThat(JsonTree.of("TRUE").asBoolean()).isFalse();
        assertThat(JsonTree.of("yes").asBoolean(true)).isTrue();
        assertThat(JsonTree.of("1").asBoolean()).isFalse();
        assertThat(JsonTree.of("no").asBoolean(true)).isTrue();
        assertThat(JsonTree.NULL.asBoolean(true)).isTrue();
        assertThat(JsonTree.MISSING.asBoolean(true)).isTrue();
        assertThat(JsonTree.object().asBoolean(true)).isTrue();
        assertThat(JsonTree.MISSING.asBoolean()).isFalse();
    }

    @Test
    void integersAreEqualWhateverTheirWidth() {
        JsonTree one = JsonTree.of(1);
        assertThat(one).isEqualTo(JsonTree.of(1L)).isEqualTo(JsonTree.of(BigInteger.ONE));
        assertThat(one).hasSameHashCodeAs(JsonTree.of(1L)).hasSameHashCodeAs(JsonTree.of(BigInteger.ONE));
        assertThat(JsonTree.of(1L)).isEqualTo(JsonTree.of(BigInteger.ONE));
        assertThat(JsonTree.of(Long.MAX_VALUE)).isEqualTo(JsonTree.of(BigInteger.valueOf(Long.MAX_VALUE)));
        assertThat(one).isNotEqualTo(JsonTree.of(2L));
        assertThat(one).isNotEqualTo(JsonTree.of("1"));
        assertThat(one).isNotEqualTo(JsonTree.TRUE);
    }

    @Test
    void decimalsAreEqualOnlyWrittenTheSameWay() {
        assertThat(JsonTree.of(new BigDecimal("1.0"))).isNotEqualTo(JsonTree.of(new BigDecimal("1.00")));
        assertThat(JsonTree.of(new BigDecimal("0.90"))).isEqualTo(JsonTree.of(new BigDecimal("0.90")))
                .hasSameHashCodeAs(JsonTree.of(new BigDecimal("0.90")));
        assertThat(JsonTree.of(1.0)).isEqualTo(JsonTree.of(1.0)).hasSameHashCodeAs(JsonTree.of(1.0));
        // 1 and 1.0 are different JSON, as IntNode and DoubleNode differ in JsonNode.
        assertThat(JsonTree.of(1)).isNotEqualTo(JsonTree.of(1.0));
        assertThat(JsonTree.of(1)).isNotEqualTo(JsonTree.of(new BigDecimal("1")));
        assertThat(JsonTree.of(1.0)).isNotEqualTo(JsonTree.of(1.5));
    }

    @Test
    void aDoubleEqualsTheDecimalItIsWrittenAs() {
        // The same text read as a double (JSON) or a BigDecimal (YAML) is the same value.
        assertThat(JsonTree.of(2.5)).isEqualTo(JsonTree.of(new BigDecimal("2.5")))
                .hasSameHashCodeAs(JsonTree.of(new BigDecimal("2.5")));
        assertThat(JsonTree.of(new BigDecimal("0.1"))).isEqualTo(JsonTree.of(0.1));
        assertThat(JsonTree.of(1.0)).isEqualTo(JsonTree.of(new BigDecimal("1.0")));
        assertThat(JsonTree.of(1.0)).isNotEqualTo(JsonTree.of(new BigDecimal("1.00")));
        assertThat(JsonTree.of(2.5)).isNotEqualTo(JsonTree.of(new BigDecimal("2.50")));
        assertThat(JsonTree.object().put("d", 2.5))
                .isEqualTo(JsonTree.object().put("d", JsonTree.of(new BigDecimal("2.5"))));
    }

    @Test
    void nonFiniteDoublesEqualThemselves() {
        assertThat(JsonTree.of(Double.NaN)).isEqualTo(JsonTree.of(Double.NaN))
                .hasSameHashCodeAs(JsonTree.of(Double.NaN));
        assertThat(JsonTree.of(Double.POSITIVE_INFINITY)).isEqualTo(JsonTree.of(Double.POSITIVE_INFINITY))
                .isNotEqualTo(JsonTree.of(Double.NEGATIVE_INFINITY));
        assertThat(JsonTree.of(Double.NaN)).isNotEqualTo(JsonTree.of(BigDecimal.ZERO));
    }

    @Test
    void containersAreEqualByContent() {
        assertThat(sample()).isEqualTo(sample()).hasSameHashCodeAs(sample());
        assertThat(JsonTree.object().put("n", 1)).isEqualTo(JsonTree.object().put("n", 1L))
                .hasSameHashCodeAs(JsonTree.object().put("n", 1L));
        // Field order does not matter to equality (as in JsonNode), element order does.
        assertThat(JsonTree.object().put("a", 1).put("b", 2)).isEqualTo(JsonTree.object().put("b", 2).put("a", 1));
        assertThat(JsonTree.array().add(1).add(2)).isNotEqualTo(JsonTree.array().add(2).add(1));
        assertThat(JsonTree.object()).isNotEqualTo(JsonTree.array());
        assertThat(sample()).isNotEqualTo(sample().put("n", 8));
        assertThat(JsonTree.NULL).isNotEqualTo(JsonTree.MISSING);
        assertThat(JsonTree.of("a")).isEqualTo(JsonTree.of("a")).isNotEqualTo(JsonTree.of("b"));
    }

    @Test
    void fieldsKeepTheirInsertionOrder() {
        JsonTree tree = JsonTree.object().put("zeta", 1).put("alpha", 2).put("mu", 3);
        assertThat(tree.fieldNames()).containsExactly("zeta", "alpha", "mu");
        assertThat(tree.fieldMap().keySet()).containsExactly("zeta", "alpha", "mu");
        assertThat(tree).hasToString("{\"zeta\":1,\"alpha\":2,\"mu\":3}");
    }

    @Test
    void putReplacesAFieldInPlace() {
        JsonTree tree = JsonTree.object().put("a", 1).put("b", 2).put("c", 3);
        assertThat(tree.put("b", "two")).isSameAs(tree);
        assertThat(tree.fieldNames()).containsExactly("a", "b", "c");
        assertThat(tree.path("b").textValue()).isEqualTo("two");
        assertThat(tree.size()).isEqualTo(3);
    }

    @Test
    void putObjectAndPutArrayAttachWhatTheyReturn() {
        JsonTree tree = JsonTree.object();
        tree.putObject("o").put("k", "v");
        tree.putArray("a").add(1L).addObject().put("x", false);
        assertThat(tree).hasToString("{\"o\":{\"k\":\"v\"},\"a\":[1,{\"x\":false}]}");
        JsonTree array = JsonTree.array();
        assertThat(array.add("s")).isSameAs(array);
        assertThat(array.addObject()).isSameAs(array.get(1));
    }

    @Test
    void removeTakesOutOneFieldAndReturnsIt() {
        JsonTree tree = JsonTree.object().put("a", 1).put("b", 2).put("c", 3);
        assertThat(tree.remove("b")).isEqualTo(JsonTree.of(2));
        assertThat(tree.fieldNames()).containsExactly("a", "c");
        assertThat(tree.remove("b")).isNull();
        assertThat(tree.has("b")).isFalse();
        tree.put("b", 4);
        assertThat(tree.fieldNames()).containsExactly("a", "c", "b");
    }

    @Test
    void onlyObjectsTakeFieldsAndOnlyArraysTakeElements() {
        assertThatThrownBy(() -> JsonTree.of("text").put("a", 1)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("not a JSON object but STRING");
        assertThatThrownBy(() -> JsonTree.array().put("a", "b")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("not a JSON object but ARRAY");
        assertThatThrownBy(() -> JsonTree.MISSING.putObject("a")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("not a JSON object but MISSING");
        assertThatThrownBy(() -> JsonTree.array().remove("a")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("not a JSON object but ARRAY");
        assertThatThrownBy(() -> JsonTree.object().add("a")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("not a JSON array but OBJECT");
        assertThatThrownBy(() -> JsonTree.NULL.add(1)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("not a JSON array but NULL");
        assertThatThrownBy(() -> JsonTree.of(3).addObject()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("not a JSON array but NUMBER");
        assertThat(JsonTree.NULL.size()).isZero();
    }

    @Test
    void aFieldNeedsAName() {
        assertThatThrownBy(() -> JsonTree.object().put(null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("field");
    }

    @Test
    void iteratingAnObjectGivesItsValuesInOrder() {
        JsonTree tree = JsonTree.object().put("b", 1).put("a", "x").put("c", true);
        assertThat(listOf(tree)).containsExactly(JsonTree.of(1), JsonTree.of("x"), JsonTree.TRUE);
    }

    @Test
    void iteratingAnArrayGivesItsElementsInOrder() {
        JsonTree array = JsonTree.array().add(3).add("two").add((JsonTree) null);
        assertThat(listOf(array)).containsExactly(JsonTree.of(3), JsonTree.of("two"), JsonTree.NULL);
    }

    @Test
    void iteratingAScalarGivesNothing() {
        assertThat(JsonTree.of("abc")).isEmpty();
        assertThat(JsonTree.of(5)).isEmpty();
        assertThat(JsonTree.NULL.iterator().hasNext()).isFalse();
        assertThat(JsonTree.MISSING.iterator().hasNext()).isFalse();
    }

    @Test
    void whatIsHandedOutCannotChangeTheTree() {
        JsonTree tree = JsonTree.object().put("a", 1);
        Iterator<JsonTree> values = tree.iterator();
        values.next();
        assertThatThrownBy(values::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> tree.fieldMap().put("b", JsonTree.TRUE))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> tree.fieldNames().add("b")).isInstanceOf(UnsupportedOperationException.class);
        Iterator<JsonTree> elements = JsonTree.array().add(1).iterator();
        elements.next();
        assertThatThrownBy(elements::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(tree).hasToString("{\"a\":1}");
    }

    @Test
    void fieldsOfWhatIsNotAnObjectAreEmpty() {
        assertThat(JsonTree.array().add(1).fieldMap()).isEmpty();
        assertThat(JsonTree.of("a").fieldNames()).isEmpty();
        assertThat(JsonTree.MISSING.fieldMap()).isEmpty();
    }

    @Test
    void scalarsHaveNoSize() {
        // A string's size is not its length.
        assertThat(JsonTree.of("abc").size()).isZero();
        assertThat(JsonTree.of("abc").isEmpty()).isTrue();
        assertThat(JsonTree.of(12).size()).isZero();
        assertThat(JsonTree.TRUE.size()).isZero();
        assertThat(JsonTree.NULL.isEmpty()).isTrue();
        assertThat(JsonTree.MISSING.isEmpty()).isTrue();
    }

    @Test
    void containersCountTheirFieldsOrElements() {
        assertThat(sample().size()).isEqualTo(5);
        assertThat(sample().isEmpty()).isFalse();
        assertThat(JsonTree.array().add(1).add(2).size()).isEqualTo(2);
        assertThat(JsonTree.object().isEmpty()).isTrue();
        assertThat(JsonTree.array().isEmpty()).isTrue();
    }

    @Test
    void toStringIsCompactJson() {
        assertThat(sample())
                .hasToString("{\"name\":\"demo\",\"n\":7,\"z\":null,\"inner\":{\"deep\":true},\"list\":[\"a\",2]}");
        assertThat(JsonTree.of("say \"hi\"\n")).hasToString("\"say \\\"hi\\\"\\n\"");
        assertThat(JsonTree.of(2.5)).hasToString("2.5");
        assertThat(JsonTree.of(new BigDecimal("0.90"))).hasToString("0.90");
        assertThat(JsonTree.NULL).hasToString("null");
        assertThat(JsonTree.array()).hasToString("[]");
        assertThat(JsonTree.object()).hasToString("{}");
    }
}
