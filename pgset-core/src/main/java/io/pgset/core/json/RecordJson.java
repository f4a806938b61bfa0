package io.pgset.core.json;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pgset's records (statuses, reports, API bodies) to and from {@link JsonTree}, the way
 * jackson-databind maps them, without it: a record is an object of its components in order, plus
 * the no-argument methods marked {@link JsonProperty} (written, not read); an enum is its
 * {@code @JsonValue}-marked method's result or its name, read back through its
 * {@link JsonCreator}-marked factory or by that value; lists, maps with string keys, strings,
 * numbers, booleans and null as themselves. Reading ignores fields the record does not have (an
 * instance of a newer pgset may say more) and gives a missing component its type's default.
 *
 * <p>Daemons run with {@code -Dsun.reflect.inflationThreshold} at its maximum (see SupervisorJvm),
 * so that these reflective calls stay native instead of each spinning a class of its own.
 */
public final class RecordJson {

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private RecordJson() {}

    /** {@code value} as a tree. */
    public static JsonTree tree(Object value) {
        if (value == null) {
            return JsonTree.NULL;
        }
        if (value instanceof JsonTree json) {
            return json;
        }
        if (value instanceof String s) {
            return JsonTree.of(s);
        }
        if (value instanceof Boolean b) {
            return JsonTree.of(b);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return JsonTree.of(((Number) value).intValue());
        }
        if (value instanceof Long l) {
            return JsonTree.of(l);
        }
        if (value instanceof Double || value instanceof Float) {
            return JsonTree.of(((Number) value).doubleValue());
        }
        if (value instanceof BigInteger big) {
            return JsonTree.of(big);
        }
        if (value instanceof BigDecimal decimal) {
            return JsonTree.of(decimal);
        }
        if (value instanceof Character c) {
            return JsonTree.of(c.toString());
        }
        if (value instanceof Enum<?> e) {
            return SHAPES.get(e.getDeclaringClass()).enumValue(e);
        }
        if (value instanceof Map<?, ?> map) {
            JsonTree object = JsonTree.object();
            map.forEach((k, v) -> object.put(String.valueOf(k), tree(v)));
            return object;
        }
        if (value instanceof Collection<?> items) {
            JsonTree array = JsonTree.array();
            items.forEach(item -> array.add(tree(item)));
            return array;
        }
        if (value instanceof Object[] items) {
            return tree(Arrays.asList(items));
        }
        if (value.getClass().isRecord()) {
            return SHAPES.get(value.getClass()).object(value);
        }
        throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
    }

    /** {@code value} as compact JSON in UTF-8. */
    public static byte[] bytes(Object value) {
        return JsonText.bytes(tree(value));
    }

    /** Parses JSON into a {@code type}; an answer of the wrong shape is an IOException, as a syntax error is. */
    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return read(JsonText.parse(json), type);
    }

    public static <T> T read(JsonTree tree, Class<T> type) throws IOException {
        try {
            return type.cast(convert(tree, type, type.getSimpleName()));
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static Object convert(JsonTree v, Type type, String at) {
        Class<?> raw = rawClass(type);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return defaultOf(raw);
        }
        if (raw == JsonTree.class) {
            return v;
        }
        if (raw == String.class) {
            if (v.isContainerNode()) {
                throw wrong(at, "a string", v);
            }
            return v.asText();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (!v.isBoolean() && !v.isNumber() && !v.isTextual()) {
                throw wrong(at, "true or false", v);
            }
            return v.asBoolean();
        }
        if (raw == int.class || raw == Integer.class) {
            return (int) number(v, at).longValue();
        }
        if (raw == long.class || raw == Long.class) {
            return number(v, at).longValue();
        }
        if (raw == double.class || raw == Double.class) {
            return number(v, at).doubleValue();
        }
        if (raw == BigDecimal.class) {
            return number(v, at).decimalValue();
        }
        if (raw.isEnum()) {
            return SHAPES.get(raw).enumOf(v, at);
        }
        if (raw.isRecord()) {
            if (!v.isObject()) {
                throw wrong(at, "an object", v);
            }
            return SHAPES.get(raw).record(v, at);
        }
        if (List.class.isAssignableFrom(raw) || Collection.class == raw) {
            if (!v.isArray()) {
                throw wrong(at, "a list", v);
            }
            Type item = typeArgument(type, 0);
            List<Object> items = new ArrayList<>();
            int i = 0;
            for (JsonTree element : v) {
                items.add(convert(element, item, at + "[" + i++ + "]"));
            }
            return Collections.unmodifiableList(items);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!v.isObject()) {
                throw wrong(at, "an object", v);
            }
            Type item = typeArgument(type, 1);
            Map<String, Object> map = new LinkedHashMap<>();
            v.fieldMap().forEach((k, element) -> map.put(k, convert(element, item, at + "." + k)));
            return Collections.unmodifiableMap(map);
        }
        throw new IllegalArgumentException(at + ": cannot read a " + raw.getName() + " from JSON");
    }

    private static JsonTree number(JsonTree v, String at) {
        if (v.isNumber()) {
            return v;
        }
        if (v.isTextual()) {
            try {
                return JsonTree.of(new BigDecimal(v.textValue().strip()));
            } catch (NumberFormatException e) {
                throw wrong(at, "a number", v);
            }
        }
        throw wrong(at, "a number", v);
    }

    private static IllegalArgumentException wrong(String at, String expected, JsonTree got) {
        String shown = got.isTextual() ? JsonText.write(got) : got.isContainerNode() ? "a " + got.kind().name().toLowerCase()
                : got.asText();
        return new IllegalArgumentException(at + ": expected " + expected + ", got " + shown);
    }

    private static Object defaultOf(Class<?> raw) {
        if (!raw.isPrimitive()) {
            return null;
        }
        if (raw == boolean.class) {
            return false;
        }
        if (raw == double.class) {
            return 0.0;
        }
        if (raw == float.class) {
            return 0.0f;
        }
        if (raw == long.class) {
            return 0L;
        }
        if (raw == char.class) {
            return '\0';
        }
        if (raw == short.class) {
            return (short) 0;
        }
        if (raw == byte.class) {
            return (byte) 0;
        }
        return 0;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unsupported type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }

    /** What reflection tells of a record or enum, looked up once a class. */
    private record Shape(Class<?> type, RecordComponent[] components, Method[] getters, String[] getterNames,
                         Constructor<?> constructor, Method valueMethod, Method creator) {

        static Shape of(Class<?> type) {
            if (type.isEnum()) {
                Method value = null;
                Method creator = null;
                for (Method m : type.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonValue.class) && m.getParameterCount() == 0) {
                        value = accessible(m);
                    }
                    if (m.isAnnotationPresent(JsonCreator.class) && Modifier.isStatic(m.getModifiers())
                            && m.getParameterCount() == 1) {
                        creator = accessible(m);
                    }
                }
                return new Shape(type, null, null, null, null, value, creator);
            }
            RecordComponent[] components = type.getRecordComponents();
            List<Method> getters = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Method m : type.getDeclaredMethods()) {
                JsonProperty property = m.getAnnotation(JsonProperty.class);
                if (property != null && m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
                        && Arrays.stream(components).noneMatch(c -> c.getName().equals(m.getName()))) {
                    getters.add(accessible(m));
                    names.add(property.value().isEmpty() ? m.getName() : property.value());
                }
            }
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                for (RecordComponent c : components) {
                    accessible(c.getAccessor());
                }
                return new Shape(type, components, getters.toArray(Method[]::new), names.toArray(String[]::new),
                        constructor, null, null);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("a record always has its canonical constructor: " + type, e);
            }
        }

        private static Method accessible(Method m) {
            m.setAccessible(true);
            return m;
        }

        JsonTree object(Object record) {
            JsonTree object = JsonTree.object();
            for (RecordComponent c : components) {
                object.put(c.getName(), tree(call(c.getAccessor(), record)));
            }
            for (int i = 0; i < getters.length; i++) {
                object.put(getterNames[i], tree(call(getters[i], record)));
            }
            return object;
        }

        Object record(JsonTree object, String at) {
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                args[i] = convert(object.get(c.getName()), c.getGenericType(), at + "." + c.getName());
            }
            try {
                return constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException(at + ": " + e.getCause().getMessage(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct " + type.getName(), e);
            }
        }

        JsonTree enumValue(Enum<?> e) {
            return valueMethod == null ? JsonTree.of(e.name()) : tree(call(valueMethod, e));
        }

        Object enumOf(JsonTree v, String at) {
            if (!v.isTextual()) {
                throw wrong(at, "one of " + Arrays.toString(type.getEnumConstants()), v);
            }
            String text = v.textValue();
            if (creator != null) {
                try {
                    return creator.invoke(null, text);
                } catch (InvocationTargetException e) {
                    throw new IllegalArgumentException(at + ": " + e.getCause().getMessage(), e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            for (Object constant : type.getEnumConstants()) {
                if (enumValue((Enum<?>) constant).asText().equals(text)) {
                    return constant;
                }
            }
            throw wrong(at, "one of " + Arrays.toString(type.getEnumConstants()), v);
        }

        private static Object call(Method m, Object target) {
            try {
                return m.invoke(target);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(m + " failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
