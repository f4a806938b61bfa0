package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachLineOtherProgramsPrintBecomesAJsonLineOfTheInstance() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new OutputLines(new PrintStream(bytes, true, StandardCharsets.UTF_8), "demo",
                "demo-0", Clock.fixed(Instant.parse("2026-11-30T08:00:00Z"), ZoneOffset.UTC)), true, StandardCharsets.UTF_8);

        out.print("2026-11-30 08:00:00.000 UTC [7] LOG:  redirecting log output to logging collector process\nHINT: ");
        out.print("Future log output will appear in directory \"/v/pglog\".\r\n");
        out.println("x".repeat(OutputLines.MAX_LINE + 10));

        List<JsonNode> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(3).allSatisfy(line -> {
            assertThat(line.path("time").asText()).isEqualTo("2026-11-30T08:00:00.000Z");
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.path("cluster").asText()).isEqualTo("demo");
            assertThat(line.path("pod").asText()).isEqualTo("demo-0");
            assertThat(line.path("logger").asText()).isEqualTo("output");
        });
        assertThat(lines.get(0).path("message").asText()).endsWith("LOG:  redirecting log output to logging collector process");
        assertThat(lines.get(1).path("message").asText()).isEqualTo("HINT: Future log output will appear in directory \"/v/pglog\".");
        assertThat(lines.get(2).path("message").asText()).hasSize(OutputLines.MAX_LINE);
    }
}
