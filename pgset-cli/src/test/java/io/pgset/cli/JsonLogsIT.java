package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code --log-format json}: the controller and the instance manager it starts write one JSON
 * object a line; {@code spec.logging.format} sets an instance's own; {@code pgset logs} reads
 * either as the same text lines; an unknown format is refused with the accepted values.
 */
class JsonLogsIT extends PerTestHome {

    /** A text line of pgset's: its time and level first. */
    private static final Pattern TEXT_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+ (INFO|WARN|ERROR) .*");

    @Test
    void daemonsLogJsonLinesAndPgsetLogsReadsThemAsText() throws Exception {
        home.pgset("--log-format", "json", "up", "-f", home.specFile("instances: 1").toString()).ok();
        Path controllerLog = home.cluster("demo").resolve("controller.log");
        Path podLog = home.cluster("demo").resolve("pods/demo-0/log");

        List<JsonNode> controller = jsonLines(controllerLog);
        assertThat(controller).isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(line.path("level").asText()).isIn("INFO", "WARN", "ERROR");
            assertThat(line.path("logger").asText()).isNotEmpty();
        });
        assertThat(controller).anySatisfy(line -> {
            assertThat(line.path("cluster").asText()).isEqualTo("demo");
            assertThat(line.path("message").asText()).startsWith("controller running");
        });
        assertThat(Files.readAllLines(controllerLog)).noneMatch(l -> TEXT_LINE.matcher(l).matches());
        await().atMost(Duration.ofSeconds(10)).until(() -> jsonLines(podLog).stream().anyMatch(line ->
                line.path("cluster").asText().equals("demo") && line.path("pod").asText().equals("demo-0")));
        assertThat(Files.readAllLines(podLog)).noneMatch(l -> TEXT_LINE.matcher(l).matches());

        String logs = home.pgset("logs", "demo-0").ok().out();
        assertThat(logs.lines()).noneMatch(l -> l.startsWith("{"))
                .anyMatch(l -> l.matches("\\S+Z INFO cluster=demo pod=demo-0 .*"))
                .anyMatch(l -> l.contains(" UTC [")); // postgres's own lines, merged in

        // The spec's format for the instances: a recreated instance writes text lines, read the same way.
        home.pgset("apply", "-f", home.specFile("instances: 1\nlogging: {format: text}").toString()).ok();
        long pid = home.pod("demo", 0).path("pid").asLong();
        home.pgset("delete-pod", "demo-0").ok();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            JsonNode pod = home.pod("demo", 0);
            return pod.path("ready").asBoolean() && pod.path("pid").asLong() != pid;
        });
        assertThat(Files.readAllLines(podLog)).anyMatch(l -> TEXT_LINE.matcher(l).matches()
                && l.contains("cluster=demo pod=demo-0"));
        assertThat(home.pgset("logs", "demo-0").ok().out().lines()).noneMatch(l -> l.startsWith("{"));
    }

    @Test
    void anUnknownLogFormatIsRefusedWithTheAcceptedValues() {
        PgsetHome.Result refused = home.pgset("--log-format", "xml", "status");

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("unknown log format 'xml'; use text or json");
        assertThat(home.dir.resolve("clusters")).doesNotExist();
    }

    private static List<JsonNode> jsonLines(Path log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                lines.add(PgsetHome.JSON.readTree(line));
            }
        }
        return lines;
    }
}
