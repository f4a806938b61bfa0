package io.pgset.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PodNameTest {

    @ParameterizedTest
    @CsvSource({"demo-0, demo, 0", "demo-12, demo, 12", "my-db-3, my-db, 3", "a-999999999, a, 999999999"})
    void parsesClusterAndOrdinalAtTheLastDash(String name, String cluster, int ordinal) {
        PodName parsed = PodName.parse(name);

        assertThat(parsed).isEqualTo(new PodName(cluster, ordinal));
        assertThat(parsed.toString()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "demo-", "-1", "demo-01", "demo-x", "demo--1", "demo-1a", "demo-9999999999", ""})
    void refusesWhatIsNotAnInstanceNameAndSaysWhatOneLooksLike(String name) {
        assertThatThrownBy(() -> PodName.parse(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "' is not an instance name")
                .hasMessageContaining("<cluster>-<ordinal>");
    }

    @Test
    void ordinalInCountsOnlyInstancesOfThatCluster() {
        assertThat(PodName.ordinalIn("demo", "demo-2")).hasValue(2);
        assertThat(PodName.ordinalIn("demo", "other-2")).isEmpty();
        assertThat(PodName.ordinalIn("demo", "my-demo-2")).isEmpty();
        assertThat(PodName.ordinalIn("my", "my-demo-2")).isEmpty();
        assertThat(PodName.ordinalIn("demo", "demo-spec")).isEmpty();
        assertThat(PodName.ordinalIn("demo", null)).isEmpty();
    }

    @Test
    void volumeNamesCarryTheirInstancesOrdinal() {
        assertThat(new PodName("demo", 1).volume()).isEqualTo("data-demo-1");
        assertThat(PodName.volumeOrdinalIn("demo", "data-demo-1")).isEqualTo(OptionalInt.of(1));
        assertThat(PodName.volumeOrdinalIn("demo", "demo-1")).isEmpty();
        assertThat(PodName.volumeOrdinalIn("demo", "data-other-1")).isEmpty();
    }
}
