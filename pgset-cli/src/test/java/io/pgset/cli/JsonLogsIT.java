package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgset.instance.PostgresLogs;
import io.pgset.instance.RollingLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --log-format json}: the controller and the instance manager it starts write one JSON
 * object a line, and the instance manager forwards postgres's own records (its jsonlog files)
 * into the same stream, following them across rotations; {@code spec.logging.format} sets an
 * instance's own; {@code pgset logs} reads either as the same text lines; an unknown format is
 * refused with the accepted values. Logs roll at 4 kB here so that postgres rotates within seconds.
 */
class JsonLogsIT extends PerTestHome {

    /** A text line of pgset's: its time and level first. */
    private static final Pattern TEXT_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+ (INFO|WARN|ERROR) .*");

    @BeforeEach
    void smallLogs() {
        System.setProperty("pgset.log.maxBytes", "4096");
        System.setProperty("pgset.log.files", "20");
    }

    @AfterEach
    void defaultLimits() {
        System.clearProperty("pgset.log.maxBytes");
        System.clearProperty("pgset.log.files");
    }

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
        assertThat(allLines(controllerLog)).noneMatch(l -> TEXT_LINE.matcher(l).matches());
        await().atMost(Duration.ofSeconds(10)).until(() -> jsonLines(podLog).stream().anyMatch(line ->
                line.path("cluster").asText().equals("demo") && line.path("pod").asText().equals("demo-0")));
        assertThat(allLines(podLog)).noneMatch(l -> TEXT_LINE.matcher(l).matches());

        String logs = home.pgset("logs", "demo-0").ok().out();
        assertThat(logs.lines()).noneMatch(l -> l.startsWith("{"))
                .anyMatch(l -> l.matches("\\S+Z INFO cluster=demo pod=demo-0 .*"))
                .anyMatch(l -> l.contains(" UTC [")); // postgres's own lines, merged in

        postgresRecordsJoinTheInstancesJsonStreamAcrossRotations(podLog);

        // The spec's format for the instances: a recreated instance writes text lines, read the same way.
        home.pgset("apply", "-f", home.specFile("instances: 1\nlogging: {format: text}").toString()).ok();
        long pid = home.pod("demo", 0).path("pid").asLong();
        home.pgset("delete-pod", "demo-0").ok();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            JsonNode pod = home.pod("demo", 0);
            return pod.path("ready").asBoolean() && pod.path("pid").asLong() != pid;
        });
        assertThat(allLines(podLog)).anyMatch(l -> TEXT_LINE.matcher(l).matches()
                && l.contains("cluster=demo pod=demo-0"));
        assertThat(home.pgset("logs", "demo-0").ok().out().lines()).noneMatch(l -> l.startsWith("{"));
    }

    /**
     * Failing statements with a marker each, until postgres has begun two more jsonlog files:
     * every one reaches the instance manager's stream once, as an ERROR line with the sqlstate,
     * every line of which is JSON; {@code pgset logs} shows them as postgres's text lines.
     */
    private void postgresRecordsJoinTheInstancesJsonStreamAcrossRotations(Path podLog) throws Exception {
        Path volume = home.cluster("demo").resolve("volumes/data-demo-0");
        String marker = "marker_" + UUID.randomUUID().toString().replace("-", "");
        Set<String> files = new TreeSet<>(names(PostgresLogs.files(volume, PostgresLogs.Kind.JSON)));
        assertThat(files).as("postgres writes jsonlog files in json mode").isNotEmpty();
        int before = files.size();
        List<String> sent = new ArrayList<>();
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (int i = 0; i < 5; i++) {
                    String table = marker + "_" + sent.size();
                    sent.add(table);
                    assertThat(failure(s, "SELECT * FROM " + table)).isEqualTo("42P01");
                }
                files.addAll(names(PostgresLogs.files(volume, PostgresLogs.Kind.JSON)));
                return files.size() >= before + 2;
            });
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> forwarded(podLog, marker).size() >= sent.size());
        List<JsonNode> records = forwarded(podLog, marker);
        assertThat(records).allSatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("ERROR");
            assertThat(line.path("source").asText()).isEqualTo("postgres");
            assertThat(line.path("cluster").asText()).isEqualTo("demo");
            assertThat(line.path("pod").asText()).isEqualTo("demo-0");
            assertThat(line.path("sqlstate").asText()).isEqualTo("42P01");
            assertThat(line.path("severity").asText()).isEqualTo("ERROR");
            assertThat(line.path("database").asText()).isEqualTo("app");
            assertThat(line.path("pid").asLong()).isPositive();
            assertThat(line.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        });
        assertThat(records.stream().map(line -> line.path("message").asText()))
                .as("each statement's error once, in order, across %d rotations", files.size() - before)
                .containsExactlyElementsOf(sent.stream().map(t -> "relation \"" + t + "\" does not exist").toList());
        for (String line : allLines(podLog)) {
            assertThat(line).as("every line of the instance's stream is JSON").startsWith("{");
            PgsetHome.JSON.readTree(line);
        }

        String last = sent.get(sent.size() - 1);
        String logs = home.pgset("logs", "demo-0").ok().out();
        assertThat(logs.lines()).noneMatch(l -> l.startsWith("{"))
                .anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\S+ UTC \\[\\d+\\] ERROR:  relation \"" + last
                        + "\" does not exist"))
                .anyMatch(l -> l.endsWith("STATEMENT:  SELECT * FROM " + last));
        assertThat(logs.lines().filter(l -> l.contains("ERROR:  relation \"" + last + "\""))).as("shown once").hasSize(1);
    }

    private static String failure(Statement s, String sql) {
        try {
            s.execute(sql);
            return "no error";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** postgres's records in the instance manager's stream (across its rolls) that name the marker. */
    private static List<JsonNode> forwarded(Path podLog, String marker) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (JsonNode line : jsonLines(podLog)) {
            if (line.path("source").asText().equals("postgres") && line.path("message").asText().contains(marker)) {
                records.add(line);
            }
        }
        return records;
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    @Test
    void anUnknownLogFormatIsRefusedWithTheAcceptedValues() {
        PgsetHome.Result refused = home.pgset("--log-format", "xml", "status");

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("unknown log format 'xml'; use text or json");
        assertThat(home.dir.resolve("clusters")).doesNotExist();
    }

    /** The JSON lines of a log, across the files it rolled over. */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : allLines(log)) {
            if (line.startsWith("{")) {
                lines.add(PgsetHome.JSON.readTree(line));
            }
        }
        return lines;
    }

    /** A log's lines across the files it rolled over, oldest first. */
    private static List<String> allLines(Path log) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path file : RollingLog.files(log)) {
            try {
                lines.addAll(Files.readAllLines(file));
            } catch (java.nio.file.NoSuchFileException e) {
                // rolled away between the listing and the reading
            }
        }
        return lines;
    }
}
