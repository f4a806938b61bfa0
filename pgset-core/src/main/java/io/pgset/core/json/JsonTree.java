package io.pgset.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON (or YAML) document as a tree: what pgset's daemons read and write instead of
 * jackson-databind's {@code JsonNode}, whose 400-odd classes cost every daemon about 4 MiB of
 * resident memory (see the README's "pgset's own JVMs"). Its reading methods are named and behave
 * as {@code JsonNode}'s do, so that code reads the same: {@link #path} never returns null (a
 * {@linkplain #isMissingNode missing} value instead), {@link #get} does, and the {@code as...}
 * methods convert leniently with a default.
 *
 * <p>Objects keep their fields in insertion order, so a document is written back as it was built.
 * Objects and arrays are mutable while being built ({@link #put}, {@link #add}); nothing else is.
 */
public final class JsonTree implements Iterable<JsonTree> {

    /** What a value is. */
    public enum Kind { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL, MISSING }

    public static final JsonTree NULL = new JsonTree(Kind.NULL, null);
    public static final JsonTree MISSING = new JsonTree(Kind.MISSING, null);
    public static final JsonTree TRUE = new JsonTree(Kind.BOOLEAN, Boolean.TRUE);
    public static final JsonTree FALSE = new JsonTree(Kind.BOOLEAN, Boolean.FALSE);

    private final Kind kind;
    /**
     * A LinkedHashMap, an ArrayList, a String, an Integer, Long, BigInteger, Double or BigDecimal, a
     * Boolean, or null. How a scalar compares and converts is {@link JsonScalars}'s.
     */
    private final Object value;

    private JsonTree(Kind kind, Object value) {
        this.kind = kind;
        this.value = value;
    }

    public static JsonTree object() {
        return new JsonTree(Kind.OBJECT, new LinkedHashMap<String, JsonTree>());
    }

    public static JsonTree array() {
        return new JsonTree(Kind.ARRAY, new ArrayList<JsonTree>());
    }

    /** A string, or {@link #NULL} for null. */
    public static JsonTree of(String text) {
        return text == null ? NULL : new JsonTree(Kind.STRING, text);
    }

    public static JsonTree of(boolean b) {
        return b ? TRUE : FALSE;
    }

    public static JsonTree of(int n) {
        return new JsonTree(Kind.NUMBER, n);
    }

    public static JsonTree of(long n) {
        return new JsonTree(Kind.NUMBER, n);
    }

    public static JsonTree of(double n) {
        return new JsonTree(Kind.NUMBER, n);
    }

    /** An integer as it was written; {@link #NULL} for null. */
    public static JsonTree of(BigInteger n) {
        return n == null ? NULL : new JsonTree(Kind.NUMBER, n);
    }

    /** A decimal as it was written, trailing zeros kept ({@code 0.90} stays {@code 0.90}); {@link #NULL} for null. */
    public static JsonTree of(BigDecimal n) {
        return n == null ? NULL : new JsonTree(Kind.NUMBER, n);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    public boolean isContainerNode() {
        return isObject() || isArray();
    }

    public boolean isTextual() {
        return kind == Kind.STRING;
    }

    public boolean isNumber() {
        return kind == Kind.NUMBER;
    }

    /** An integer, of any size (not a number written with a decimal point or an exponent). */
    public boolean isIntegralNumber() {
        return JsonScalars.integral(value);
    }

    /** An integer that fits an int. */
    public boolean canConvertToInt() {
        if (!isIntegralNumber()) {
            return false;
        }
        BigInteger n = bigIntegerValue();
        return n.bitLength() < 32;
    }

    public boolean isBigDecimal() {
        return value instanceof BigDecimal;
    }

    public boolean isBoolean() {
        return kind == Kind.BOOLEAN;
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    public boolean isMissingNode() {
        return kind == Kind.MISSING;
    }

    /** The field's value; null when there is no such field or this is not an object. */
    public JsonTree get(String field) {
        return isObject() ? fields().get(field) : null;
    }

    /** The element at {@code index}; null when there is none or this is not an array. */
    public JsonTree get(int index) {
        return isArray() && index >= 0 && index < elements().size() ? elements().get(index) : null;
    }

    /** The field's value, or {@link #MISSING}: never null, so that paths chain. */
    public JsonTree path(String field) {
        JsonTree found = get(field);
        return found == null ? MISSING : found;
    }

    public JsonTree path(int index) {
        JsonTree found = get(index);
        return found == null ? MISSING : found;
    }

    /** Whether an object has the field, even with the value null. */
    public boolean has(String field) {
        return get(field) != null;
    }

    /** The number of fields or elements; 0 for anything else. */
    public int size() {
        return isObject() ? fields().size() : isArray() ? elements().size() : 0;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The elements of an array or the values of an object, in order; nothing for anything else. */
    @Override
    public Iterator<JsonTree> iterator() {
        if (isArray()) {
            return Collections.unmodifiableList(elements()).iterator();
        }
        if (isObject()) {
            return Collections.unmodifiableCollection(fields().values()).iterator();
        }
        return Collections.emptyIterator();
    }

    /** The fields of an object in order, unmodifiable; empty for anything else. */
    public Map<String, JsonTree> fieldMap() {
        return isObject() ? Collections.unmodifiableMap(fields()) : Map.of();
    }

    public List<String> fieldNames() {
        return List.copyOf(fieldMap().keySet());
    }

    /** The string; null when this is not a string. */
    public String textValue() {
        return isTextual() ? (String) value : null;
    }

    public boolean booleanValue() {
        return Boolean.TRUE.equals(value);
    }

    public int intValue() {
        return isNumber() ? ((Number) value).intValue() : 0;
    }

    public long longValue() {
        return isNumber() ? ((Number) value).longValue() : 0;
    }

    public double doubleValue() {
        return isNumber() ? ((Number) value).doubleValue() : 0;
    }

    public BigInteger bigIntegerValue() {
        return value instanceof Number n ? JsonScalars.bigInteger(n) : BigInteger.ZERO;
    }

    public BigDecimal decimalValue() {
        return value instanceof Number n ? JsonScalars.decimal(n) : BigDecimal.ZERO;
    }

    /**
     * A scalar as text: a string as it is, a number or boolean in its JSON form, null as
     * {@code "null"}; empty for an object, an array or a missing value.
     */
    public String asText() {
        return switch (kind) {
            case STRING -> (String) value;
            case NUMBER, BOOLEAN -> String.valueOf(value);
            case NULL -> "null";
            case OBJECT, ARRAY, MISSING -> "";
        };
    }

    /** As {@link #asText()}, but {@code fallback} for null and a missing value. */
    public String asText(String fallback) {
        return isNull() || isMissingNode() ? fallback : asText();
    }

    public int asInt() {
        return asInt(0);
    }

    /** A number as an int, a string that holds an integer parsed, a boolean as 1 or 0; else {@code fallback}. */
    public int asInt(int fallback) {
        return (int) asLong(fallback);
    }

    public long asLong() {
        return asLong(0);
    }

    public long asLong(long fallback) {
        return JsonScalars.toLong(value, fallback);
    }

    public double asDouble() {
        return asDouble(0);
    }

    public double asDouble(double fallback) {
        return JsonScalars.toDouble(value, fallback);
    }

    public boolean asBoolean() {
        return asBoolean(false);
    }

    /** See {@link JsonScalars#toBoolean}: a boolean, a number other than 0, {@code "true"} or {@code "false"}. */
    public boolean asBoolean(boolean fallback) {
        return JsonScalars.toBoolean(value, fallback);
    }

    /** Sets a field of this object (replacing one of the same name in place); returns this object. */
    public JsonTree put(String field, JsonTree v) {
        fields().put(Objects.requireNonNull(field, "field"), v == null ? NULL : v);
        return this;
    }

    public JsonTree put(String field, String text) {
        return put(field, of(text));
    }

    public JsonTree put(String field, int n) {
        return put(field, of(n));
    }

    public JsonTree put(String field, long n) {
        return put(field, of(n));
    }

    public JsonTree put(String field, double n) {
        return put(field, of(n));
    }

    public JsonTree put(String field, boolean b) {
        return put(field, of(b));
    }

    /** A new empty object as the field's value; returns the new object. */
    public JsonTree putObject(String field) {
        JsonTree child = object();
        put(field, child);
        return child;
    }

    /** A new empty array as the field's value; returns the new array. */
    public JsonTree putArray(String field) {
        JsonTree child = array();
        put(field, child);
        return child;
    }

    /** Removes a field of this object; returns its value, or null. */
    public JsonTree remove(String field) {
        return fields().remove(field);
    }

    /** Appends to this array; returns this array. */
    public JsonTree add(JsonTree v) {
        elements().add(v == null ? NULL : v);
        return this;
    }

    public JsonTree add(String text) {
        return add(of(text));
    }

    public JsonTree add(long n) {
        return add(of(n));
    }

    /** A new empty object appended to this array; returns the new object. */
    public JsonTree addObject() {
        JsonTree child = object();
        add(child);
        return child;
    }

    /** Compact JSON. */
    @Override
    public String toString() {
        return JsonText.write(this);
    }

    /**
     * Same kind and same content; numbers compare by value as written ({@code 1} equals {@code 1L}, a double
     * {@code 2.5} equals a BigDecimal {@code 2.5}, {@code 1.0} not {@code 1.00}).
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JsonTree other) || kind != other.kind) {
            return false;
        }
        if (value instanceof Number n) {
            return JsonScalars.equalityKey(n).equals(JsonScalars.equalityKey((Number) other.value));
        }
        return Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return value instanceof Number n ? JsonScalars.equalityKey(n).hashCode() : Objects.hash(kind, value);
    }

    @SuppressWarnings("unchecked")
    private LinkedHashMap<String, JsonTree> fields() {
        if (!isObject()) {
            throw new UnsupportedOperationException("not a JSON object but " + kind);
        }
        return (LinkedHashMap<String, JsonTree>) value;
    }

    @SuppressWarnings("unchecked")
    private List<JsonTree> elements() {
        if (!isArray()) {
            throw new UnsupportedOperationException("not a JSON array but " + kind);
        }
        return (List<JsonTree>) value;
    }

    /** The raw value for {@link JsonText}: the map, list, string, number or boolean. */
    Object raw() {
        return value;
    }
}
