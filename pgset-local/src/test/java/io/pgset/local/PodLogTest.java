package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.instance.LogLimits;
import io.pgset.instance.RollingLog;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodLogTest {

    @TempDir
    Path dir;

    @Test
    void mergesPgsetAndPostgresLinesByTimeOldestFirst() throws Exception {
        Path log = dir.resolve("log");
        Files.writeString(dir.resolve("log.1"), "2026-11-29T10:00:00.000+00:00 INFO first\n");
        Files.writeString(log, "2026-11-29T10:00:02.000+00:00 INFO third\n  a continuation\n"
                + "2026-11-29T11:00:04.000+01:00 INFO fifth\n");
        Path pglog = Files.createDirectories(dir.resolve("volume/pglog"));
        Files.writeString(pglog.resolve("postgresql-20261129-100000.log"), "2026-11-29 10:00:01.000 UTC [7] LOG:  second\n");
        Files.writeString(pglog.resolve("postgresql-20261129-100003.log"), "2026-11-29 10:00:03.000 UTC [7] LOG:  fourth\n");

        try (PodLog pod = new PodLog(log, dir.resolve("volume"))) {
            assertThat(pod.next()).containsExactly("2026-11-29T10:00:00.000+00:00 INFO first",
                    "2026-11-29 10:00:01.000 UTC [7] LOG:  second", "2026-11-29T10:00:02.000+00:00 INFO third",
                    "  a continuation", "2026-11-29 10:00:03.000 UTC [7] LOG:  fourth",
                    "2026-11-29T11:00:04.000+01:00 INFO fifth");
            assertThat(pod.next()).isEmpty();
        }
    }

    @Test
    void jsonLinesReadAsTextLinesAndMergeByTheirTime() throws Exception {
        Path log = dir.resolve("log");
        Files.writeString(log, "2026-11-29T10:00:00.000Z INFO cluster=demo pod=demo-0 text first\n"
                + "{\"time\":\"2026-11-29T10:00:02.000Z\",\"level\":\"WARN\",\"cluster\":\"demo\",\"pod\":\"demo-0\","
                + "\"logger\":\"pgset.instance\",\"message\":\"json third\"}\n");
        Path pglog = Files.createDirectories(dir.resolve("volume/pglog"));
        Files.writeString(pglog.resolve("postgresql-20261129-100000.log"), "2026-11-29 10:00:01.000 UTC [7] LOG:  second\n");

        try (PodLog pod = new PodLog(log, dir.resolve("volume"))) {
            assertThat(pod.next()).containsExactly("2026-11-29T10:00:00.000Z INFO cluster=demo pod=demo-0 text first",
                    "2026-11-29 10:00:01.000 UTC [7] LOG:  second",
                    "2026-11-29T10:00:02.000Z WARN cluster=demo pod=demo-0 json third");
        }
    }

    @Test
    void postgresJsonRecordsReadAsItsTextLinesAndForwardedCopiesShowOnce() throws Exception {
        Path log = dir.resolve("log");
        Files.writeString(log, "{\"time\":\"2026-11-29T10:00:00.000Z\",\"level\":\"INFO\",\"cluster\":\"demo\","
                + "\"pod\":\"demo-0\",\"logger\":\"pgset.instance\",\"message\":\"pgset first\"}\n"
                + "{\"time\":\"2026-11-29T10:00:01.000Z\",\"level\":\"ERROR\",\"cluster\":\"demo\",\"pod\":\"demo-0\","
                + "\"source\":\"postgres\",\"logger\":\"postgres\",\"message\":\"division by zero\"}\n");
        Path pglog = Files.createDirectories(dir.resolve("volume/pglog"));
        Files.writeString(pglog.resolve("postgresql-20261129-100000.log"),
                "2026-11-29 10:00:00.500 UTC [7] LOG:  ending log output to stderr\n");
        Files.writeString(pglog.resolve("postgresql-20261129-100000.json"), "{\"timestamp\":\"2026-11-29 10:00:01.000 UTC\","
                + "\"pid\":7,\"error_severity\":\"ERROR\",\"state_code\":\"22012\",\"message\":\"division by zero\","
                + "\"statement\":\"select 1/0\"}\n");

        try (PodLog pod = new PodLog(log, dir.resolve("volume"))) {
            assertThat(pod.next()).containsExactly("2026-11-29T10:00:00.000Z INFO cluster=demo pod=demo-0 pgset first",
                    "2026-11-29 10:00:00.500 UTC [7] LOG:  ending log output to stderr",
                    "2026-11-29 10:00:01.000 UTC [7] ERROR:  division by zero\n"
                            + "2026-11-29 10:00:01.000 UTC [7] STATEMENT:  select 1/0");
        }
    }

    @Test
    void followsAcrossARollAndAcrossPostgresStartingANewFile() throws Exception {
        Path log = dir.resolve("log");
        Path volume = Files.createDirectories(dir.resolve("volume/pglog")).getParent();
        try (PrintStream out = new PrintStream(new RollingLog(log, new LogLimits(1024, 3)), true, StandardCharsets.UTF_8);
             PodLog pod = new PodLog(log, volume)) {
            out.println("before");
            assertThat(pod.next()).containsExactly("before");

            out.print("x".repeat(1100) + "\nhalf of a line");   // not yet complete: held back
            assertThat(pod.next()).containsExactly("x".repeat(1100));
            out.println(", whole");                              // completed in log, which then rolls
            out.println("after the roll");
            Files.writeString(volume.resolve("pglog/postgresql-20261129-100000.log"), "pg one\n");
            assertThat(pod.next()).containsExactly("half of a line, whole", "after the roll", "pg one");
            assertThat(dir.resolve("log.1")).exists();

            Files.writeString(volume.resolve("pglog/postgresql-20261129-100000.log"), "pg two\n",
                    java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(volume.resolve("pglog/postgresql-20261129-100005.log"), "pg three\n");
            assertThat(pod.next()).containsExactly("pg two", "pg three");
        }
    }

    @Test
    void readsTheTimeOfPgsetAndPostgresLines() {
        assertThat(LogCursor.timeOf("2026-11-29T10:00:00.123+01:00 INFO x")).isEqualTo(Instant.parse("2026-11-29T09:00:00.123Z"));
        assertThat(LogCursor.timeOf("2026-11-29 10:00:00.123 UTC [12] LOG: x")).isEqualTo(Instant.parse("2026-11-29T10:00:00.123Z"));
        assertThat(LogCursor.timeOf("The files belonging to this database system will be owned by user")).isNull();
        assertThat(LogCursor.timeOf("")).isNull();
    }
}
