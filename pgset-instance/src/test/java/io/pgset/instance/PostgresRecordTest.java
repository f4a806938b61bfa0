package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** postgres 15's JSON log records (lines written by a real postgres 15) as pgset's lines and as text. */
class PostgresRecordTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> lines = fixture();

    @Test
    void anErrorBecomesAPgsetLineWithLevelSqlstateAndPostgresFields() throws Exception {
        String duplicate = lines.get(1);

        JsonNode line = JSON.readTree(record(duplicate).forwarded("demo", "demo-0", NOW));

        assertThat(line.path("time").asText()).isEqualTo("2026-11-30T08:15:39.997Z");
        assertThat(line.path("level").asText()).isEqualTo("ERROR");
        assertThat(line.path("cluster").asText()).isEqualTo("demo");
        assertThat(line.path("pod").asText()).isEqualTo("demo-0");
        assertThat(line.path("source").asText()).isEqualTo("postgres");
        assertThat(line.path("message").asText()).isEqualTo("duplicate key value violates unique constraint \"t_pkey\"");
        assertThat(line.path("severity").asText()).isEqualTo("ERROR");
        assertThat(line.path("sqlstate").asText()).isEqualTo("23505");
        assertThat(line.path("pid").isNumber()).isTrue();
        assertThat(line.path("pid").asLong()).isEqualTo(28247);
        assertThat(line.path("user").asText()).isEqualTo("postgres");
        assertThat(line.path("database").asText()).isEqualTo("postgres");
        assertThat(line.path("application").asText()).isEqualTo("psql");
        assertThat(line.path("backend_type").asText()).isEqualTo("client backend");
        assertThat(line.path("detail").asText()).isEqualTo("Key (id)=(1) already exists.");
        assertThat(line.path("statement").asText()).startsWith("create table t");
        assertThat(line.has("query_id")).as("query_id 0 is none").isFalse();
        assertThat(line.has("truncated")).isFalse();
        assertThat(PostgresRecord.isForwarded(line.toString())).isTrue();
    }

    @Test
    void severitiesMapToPgsetLevels() {
        assertThat(List.of("DEBUG2", "LOG", "INFO", "NOTICE", "WARNING", "ERROR", "FATAL", "PANIC").stream()
                .map(s -> new PostgresRecord(java.util.Map.of("error_severity", s), true, 0).level()))
                .containsExactly("DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR", "ERROR", "ERROR");
    }

    @Test
    void aRecordReadsAsPostgresTextLinesForAPerson() {
        assertThat(PostgresRecord.readable(lines.get(0))).contains("""
                2026-11-30 08:15:39.896 UTC [28235] LOG:  ending log output to stderr
                2026-11-30 08:15:39.896 UTC [28235] HINT:  Future log output will go to log destination "jsonlog".""");
        assertThat(PostgresRecord.readable(lines.get(2))).contains("""
                2026-11-30 08:15:40.020 UTC [28249] ERROR:  division by zero
                2026-11-30 08:15:40.020 UTC [28249] STATEMENT:  select 1/0 -- marker é""");
        assertThat(PostgresRecord.readable("2026-11-30 08:15:39.896 UTC [1] LOG:  text")).isEmpty();
        assertThat(PostgresRecord.readable("{\"time\":\"2026-11-30T08:15:39.896Z\",\"level\":\"INFO\"}")).isEmpty();
    }

    @Test
    void aCutRecordKeepsItsFirstFieldsAndSaysItWasCut() throws Exception {
        String whole = lines.get(1);
        String cut = whole.substring(0, whole.indexOf("\"detail\"") + 14);

        JsonNode line = JSON.readTree(PostgresRecord.of(cut, 100_000, true).forwarded("demo", "demo-0", NOW));

        assertThat(line.path("level").asText()).isEqualTo("ERROR");
        assertThat(line.path("sqlstate").asText()).isEqualTo("23505");
        assertThat(line.path("message").asText()).startsWith("duplicate key value");
        assertThat(line.has("detail")).isFalse();
        assertThat(line.path("truncated").asBoolean()).isTrue();

        JsonNode early = JSON.readTree(PostgresRecord.of(whole.substring(0, 60), 100_000, true)
                .forwarded("demo", "demo-0", NOW));
        assertThat(early.path("message").asText()).isEqualTo(
                "postgres log record of 100000 bytes, cut: only its first fields are kept");
        assertThat(early.path("time").asText()).isEqualTo("2026-11-30T08:15:39.997Z");
    }

    @Test
    void aLineThatIsNoRecordIsForwardedAsItsText() throws Exception {
        JsonNode line = JSON.readTree(PostgresRecord.of("not json at all", 15, false).forwarded("demo", "demo-0", NOW));

        assertThat(line.path("message").asText()).isEqualTo("not json at all");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("time").asText()).isEqualTo("2026-12-01T00:00:00.000Z");
        assertThat(PostgresRecord.isForwarded(LogLines.format(io.pgset.core.model.LogFormat.JSON, NOW, "INFO",
                "pgset.instance", "cluster=demo pod=demo-0 \"source\":\"postgres\",", null))).isFalse();
    }

    private static PostgresRecord record(String line) {
        return PostgresRecord.parse(line, line.getBytes(StandardCharsets.UTF_8).length, false).orElseThrow();
    }

    private static List<String> fixture() {
        try (InputStream in = PostgresRecordTest.class.getResourceAsStream("/postgres/jsonlog-15.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
