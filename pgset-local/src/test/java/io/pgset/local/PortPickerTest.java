package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortPickerTest {

    /** Two clusters' files as pgset writes them: ports.json per instance, services.json per cluster. */
    private static Path fixture() throws URISyntaxException {
        return Path.of(PortPickerTest.class.getResource("/port-picker").toURI());
    }

    @Test
    void keptPortsAreEveryPortOfEveryClustersPortsAndServicesFiles() throws Exception {
        assertThat(PortPicker.keptPorts(fixture()))
                .containsExactlyInAnyOrder(20001, 20002, 20003, 20004, 20005, 20006, 31001, 31002, 31003);
    }

    @Test
    void aHomeWithoutClustersKeepsNoPorts(@TempDir Path empty) throws Exception {
        assertThat(PortPicker.keptPorts(empty)).isEmpty();
    }

    @Test
    void aPickedPortIsInTheKeptRangeAndKeptByNobody() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertThat(PortPicker.pick(fixture())).isBetween(20000, 32767)
                    .isNotIn(PortPicker.keptPorts(fixture()));
        }
    }
}
