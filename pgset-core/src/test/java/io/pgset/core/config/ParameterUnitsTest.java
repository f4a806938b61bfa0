package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParameterUnitsTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "100, null, 100",
            "16384, 8kB, 128MB",
            "4096, kB, 4MB",
            "1000, kB, 1000kB",
            "64, 16MB, 1GB",
            "60, s, 60s",
            "-1, kB, -1",
            "0, 8kB, 0",
            "on, null, on",
    })
    void baseUnitValuesReadAsPostgresWritesThem(String value, String unit, String shown) {
        assertThat(ParameterUnits.display(value, unit)).isEqualTo(shown);
    }
}
