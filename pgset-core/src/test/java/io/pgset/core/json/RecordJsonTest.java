package io.pgset.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The daemons' JSON no longer goes through jackson-databind, while the CLI, the operator and
 * instances of an older pgset still do: each side must read what the other writes. Every record of
 * the API is checked against databind both ways, filled with a value in every component.
 */
class RecordJsonTest {

    private static final ObjectMapper DATABIND = new ObjectMapper();

    private static final List<Class<? extends Record>> API = List.of(InstanceStatus.class, ClusterStatus.class,
            BackupReport.class, ClusterStatus.Switchover.class);

    @Test
    void writesWhatDatabindWrites() throws Exception {
        for (Class<? extends Record> type : API) {
            Object value = sample(type, 1);
            assertThat(DATABIND.readTree(RecordJson.bytes(value))).as(type.getName())
                    .isEqualTo(DATABIND.readTree(DATABIND.writeValueAsBytes(value)));
        }
    }

    @Test
    void eachReadsWhatTheOtherWrites() throws Exception {
        for (Class<? extends Record> type : API) {
            for (int variant = 1; variant <= 2; variant++) {
                Object value = sample(type, variant);
                assertThat(RecordJson.read(DATABIND.writeValueAsBytes(value), type)).as(type.getName()).isEqualTo(value);
                assertThat(DATABIND.readValue(RecordJson.bytes(value), type)).as(type.getName()).isEqualTo(value);
            }
        }
    }

    @Test
    void missingFieldsTakeDefaultsAndUnknownOnesAreIgnored() throws Exception {
        InstanceStatus status = RecordJson.read("{\"pod\":\"demo-1\",\"ready\":true,\"newer\":{\"x\":1}}".getBytes(),
                InstanceStatus.class);
        assertThat(status.pod()).isEqualTo("demo-1");
        assertThat(status.ready()).isTrue();
        assertThat(status.restarts()).isZero();
        assertThat(status.pendingRestart()).isEmpty();
    }

    @Test
    void enumsUseTheirJsonValue() throws Exception {
        assertThat(RecordJson.tree(Phase.HEALTHY)).isEqualTo(DATABIND.readTree(DATABIND.writeValueAsBytes(Phase.HEALTHY))
                .isTextual() ? JsonTree.of(DATABIND.writeValueAsString(Phase.HEALTHY).replace("\"", "")) : null);
        assertThat(RecordJson.read(JsonTree.of(RecordJson.tree(Phase.DEGRADED).asText()), Phase.class)).isEqualTo(Phase.DEGRADED);
    }

    @Test
    void answersOfTheWrongShapeAreIoErrorsThatSayWhere() {
        assertThatThrownBy(() -> RecordJson.read("{\"pod\":\"demo-1\",\"restarts\":\"many\"}".getBytes(), InstanceStatus.class))
                .isInstanceOf(IOException.class).hasMessageContaining("InstanceStatus.restarts: expected a number, got \"many\"");
        assertThatThrownBy(() -> RecordJson.read("[1]".getBytes(), InstanceStatus.class))
                .isInstanceOf(IOException.class).hasMessageContaining("expected an object");
        assertThatThrownBy(() -> RecordJson.read("{\"pod\":".getBytes(), InstanceStatus.class)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RecordJson.tree(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void treesConvertLikeJsonNode() throws Exception {
        JsonTree tree = JsonText.parse("{\"n\":7,\"s\":\"8\",\"b\":true,\"z\":null,\"d\":2.5,\"big\":12345678901234567890}");
        assertThat(tree.path("n").asInt()).isEqualTo(7);
        assertThat(tree.path("s").asInt()).isEqualTo(8);
        assertThat(tree.path("b").asText()).isEqualTo("true");
        assertThat(tree.path("z").asText("none")).isEqualTo("none");
        assertThat(tree.path("z").asText()).isEqualTo("null");
        assertThat(tree.path("missing").path("deeper").asText("x")).isEqualTo("x");
        assertThat(tree.get("missing")).isNull();
        assertThat(tree.has("z")).isTrue();
        assertThat(tree.path("d").asDouble()).isEqualTo(2.5);
        assertThat(tree.path("big").canConvertToInt()).isFalse();
        assertThat(tree.path("n").canConvertToInt()).isTrue();
        assertThat(tree.toString()).isEqualTo(DATABIND.readTree(tree.toString()).toString());
        assertThat(JsonText.pretty(tree)).isEqualTo(DATABIND.writerWithDefaultPrettyPrinter()
                .writeValueAsString(DATABIND.readTree(tree.toString())));
    }

    /** A value of {@code type} with something in every component; variants differ in every scalar. */
    private static Object sample(Type type, int variant) throws Exception {
        return sample(type, "", variant);
    }

    /** @param name the component's, for strings that must be times */
    private static Object sample(Type type, String name, int variant) throws Exception {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            return name.matches("(?i).*(time|since|at|expires)") ? "2026-11-30T10:0" + variant + ":00Z" : "text-" + variant + "-é \"q\"";
        }
        if (raw == int.class || raw == Integer.class) {
            return 40 + variant;
        }
        if (raw == long.class || raw == Long.class) {
            return 5_000_000_000L + variant;
        }
        if (raw == double.class || raw == Double.class) {
            return 0.25 * variant;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return variant % 2 == 1;
        }
        if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return constants[variant % constants.length];
        }
        if (raw == List.class) {
            return List.of(sample(((ParameterizedType) type).getActualTypeArguments()[0], variant));
        }
        if (raw == Map.class) {
            return Map.of("key-" + variant, sample(((ParameterizedType) type).getActualTypeArguments()[1], variant));
        }
        if (raw.isRecord()) {
            RecordComponent[] components = raw.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                args[i] = sample(components[i].getGenericType(), components[i].getName(), variant);
                types[i] = components[i].getType();
            }
            var constructor = raw.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        }
        throw new IllegalArgumentException("no sample for " + type);
    }
}
