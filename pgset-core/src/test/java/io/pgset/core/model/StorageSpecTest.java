package io.pgset.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageSpecTest {

    @ParameterizedTest
    @CsvSource({"512, 512", "4Ki, 4096", "100Mi, 104857600", "1Gi, 1073741824", "2Ti, 2199023255552"})
    void sizeBytesReadsTheBinarySuffix(String size, long bytes) {
        assertThat(new ClusterSpec.StorageSpec(size, true, true).sizeBytes()).isEqualTo(bytes);
    }
}
