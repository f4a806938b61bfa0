package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgset.core.model.LogFormat;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LogLinesTest {

    private static final Instant AT = Instant.parse("2026-11-30T05:10:00.123Z");
    private static final String MESSAGE = "cluster=demo pod=demo-0 promoted (timeline 3)";

    @Test
    void textIsTimeLevelAndTheMessageAsWritten() {
        assertThat(LogLines.format(LogFormat.TEXT, AT, "INFO", "pgset.instance", MESSAGE, null))
                .isEqualTo("2026-11-30T05:10:00.123Z INFO cluster=demo pod=demo-0 promoted (timeline 3)");
    }

    @Test
    void jsonHasOneObjectWithTheContextAsItsOwnFields() throws IOException {
        String line = LogLines.format(LogFormat.JSON, AT, "WARN", "pgset.instance", MESSAGE, null);

        assertThat(line).doesNotContain("\n");
        JsonNode node = new ObjectMapper().readTree(line);
        assertThat(node.path("time").asText()).isEqualTo("2026-11-30T05:10:00.123Z");
        assertThat(node.path("level").asText()).isEqualTo("WARN");
        assertThat(node.path("cluster").asText()).isEqualTo("demo");
        assertThat(node.path("pod").asText()).isEqualTo("demo-0");
        assertThat(node.path("logger").asText()).isEqualTo("pgset.instance");
        assertThat(node.path("message").asText()).isEqualTo("promoted (timeline 3)");
        assertThat(node.has("exception")).isFalse();
    }

    @Test
    void jsonWithoutContextHasNoClusterOrPodAndKeepsAnExceptionInOneLine() throws IOException {
        String line = LogLines.format(LogFormat.JSON, AT, "ERROR", "io.javaoperatorsdk", "reconcile \"failed\"",
                new IllegalStateException("boom"));

        assertThat(line).doesNotContain("\n");
        JsonNode node = new ObjectMapper().readTree(line);
        assertThat(node.has("cluster")).isFalse();
        assertThat(node.has("pod")).isFalse();
        assertThat(node.path("message").asText()).isEqualTo("reconcile \"failed\"");
        assertThat(node.path("exception").asText()).startsWith("java.lang.IllegalStateException: boom\n\tat ");
    }

    @Test
    void aJsonLineReadsAsTheTextLine() {
        String text = LogLines.format(LogFormat.TEXT, AT, "INFO", "pgset.instance", MESSAGE, null);
        String json = LogLines.format(LogFormat.JSON, AT, "INFO", "pgset.instance", MESSAGE, null);

        assertThat(LogLines.readable(json)).contains(text);
        assertThat(LogLines.readable(text)).isEmpty();
        assertThat(LogLines.readable("{\"time\": broken")).isEmpty();
        assertThat(LogLines.readable(LogLines.format(LogFormat.JSON, AT, "WARN", "x", "failed",
                new IllegalStateException("boom"))).orElseThrow())
                .startsWith("2026-11-30T05:10:00.123Z WARN failed\njava.lang.IllegalStateException: boom\n\tat ");
    }

    @Test
    void thePropertyWinsOverTheEnvironmentAndTextIsTheDefault() {
        Properties json = new Properties();
        json.setProperty(LogLines.PROPERTY, "json");

        assertThat(LogLines.configured(json, Map.of(LogLines.ENVIRONMENT, "text"))).isEqualTo(LogFormat.JSON);
        assertThat(LogLines.configured(new Properties(), Map.of(LogLines.ENVIRONMENT, "json"))).isEqualTo(LogFormat.JSON);
        assertThat(LogLines.configured(new Properties(), Map.of())).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheSettingAndTheAcceptedValues() {
        assertThatThrownBy(() -> LogLines.configured(new Properties(), Map.of(LogLines.ENVIRONMENT, "xml")))
                .hasMessage("PGSET_LOG_FORMAT: unknown log format 'xml'; use text or json");
    }
}
