package io.pgset.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PhaseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonSpellsThePhaseAsTheTableAndKubernetesDo() throws Exception {
        assertThat(JSON.writeValueAsString(Phase.HEALTHY)).isEqualTo("\"Healthy\"");
        assertThat(JSON.writeValueAsString(Phase.STOPPED)).isEqualTo("\"Stopped\"");
    }

    @Test
    void jsonReadsTheLabelAndTheOldUpperCaseSpelling() throws Exception {
        assertThat(JSON.readValue("\"Progressing\"", Phase.class)).isEqualTo(Phase.PROGRESSING);
        assertThat(JSON.readValue("\"DEGRADED\"", Phase.class)).isEqualTo(Phase.DEGRADED);
    }
}
