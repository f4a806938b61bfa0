package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.LogFormat;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingLogTest {

    @TempDir
    Path dir;

    @Test
    void rollsAfterTheLimitAtALineBoundaryAndKeepsAtMostTheGivenNumberOfFiles() throws Exception {
        Path log = dir.resolve("log");
        try (PrintStream out = new PrintStream(new RollingLog(log, new LogLimits(1024, 3)), true, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 200; i++) {
                out.print("line " + i + " ");  // a line written in pieces is never split between files
                out.println("x".repeat(40));
            }
        }

        assertThat(RollingLog.files(log)).containsExactly(dir.resolve("log.2"), dir.resolve("log.1"), log);
        assertThat(dir.resolve("log.3")).doesNotExist();
        List<String> kept = new ArrayList<>();
        for (Path file : RollingLog.files(log)) {
            assertThat(Files.size(file)).as(file.toString()).isLessThan(1024 + 60);
            kept.addAll(Files.readAllLines(file));
        }
        assertThat(kept).allMatch(line -> line.matches("line \\d+ x{40}")).last().isEqualTo("line 199 " + "x".repeat(40));
        // Oldest first and without a gap: the kept lines are the newest ones, in order.
        int first = Integer.parseInt(kept.get(0).split(" ")[1]);
        for (int i = 0; i < kept.size(); i++) {
            assertThat(kept.get(i)).startsWith("line " + (first + i) + " ");
        }
    }

    @Test
    void whatWasWrittenBeforeCountsTowardsTheFirstRoll() throws Exception {
        Path log = dir.resolve("log");
        Files.writeString(log, "y".repeat(2000) + "\n");
        try (RollingLog out = new RollingLog(log, new LogLimits(1024, 2))) {
            out.write("after\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(log).hasContent("after");
        assertThat(dir.resolve("log.1")).hasContent("y".repeat(2000));
    }

    @Test
    void limitsDefaultTo10MbTimes5AndComeFromSystemProperties() {
        assertThat(LogLimits.of(new Properties())).isEqualTo(new LogLimits(10 * 1024 * 1024, 5));
        Properties set = new Properties();
        set.setProperty("pgset.log.maxBytes", "4096");
        set.setProperty("pgset.log.files", "3");
        LogLimits small = LogLimits.of(set);

        assertThat(small).isEqualTo(new LogLimits(4096, 3));
        assertThat(small.jvmFlags()).containsExactly("-Dpgset.log.maxBytes=4096", "-Dpgset.log.files=3");
        assertThat(small.rotationKb()).isEqualTo(4);
        assertThat(LogLimits.DEFAULT.jvmFlags()).isEmpty();
    }

    @Test
    void prunesPostgresLogFilesOfEachKindToTheNewest() throws Exception {
        Path pglog = Files.createDirectories(dir.resolve("pglog"));
        for (String name : List.of("postgresql-20261129-100000.log", "postgresql-20261129-100001.log",
                "postgresql-20261129-100002.log", "postgresql-20261129-100003.log", "other.txt",
                "postgresql-20261129-100000.json", "postgresql-20261129-100002.json", "postgresql-20261129-100003.json")) {
            Files.writeString(pglog.resolve(name), name);
        }
        PostgresLogs logs = new PostgresLogs(dir, new LogLimits(1024, 2), LogFormat.TEXT);

        assertThat(logs.prune()).isEqualTo(3);
        assertThat(PostgresLogs.files(dir)).containsExactly(pglog.resolve("postgresql-20261129-100002.log"),
                pglog.resolve("postgresql-20261129-100003.log"));
        assertThat(PostgresLogs.files(dir, PostgresLogs.Kind.JSON)).containsExactly(
                pglog.resolve("postgresql-20261129-100002.json"), pglog.resolve("postgresql-20261129-100003.json"));
        assertThat(pglog.resolve("other.txt")).exists();
        assertThat(logs.settings()).containsEntry("logging_collector", "on").containsEntry("log_rotation_size", "1kB")
                .containsEntry("log_directory", pglog.toString()).containsEntry("log_destination", "stderr");
        assertThat(new PostgresLogs(dir, new LogLimits(1024, 2), LogFormat.JSON).settings())
                .containsEntry("logging_collector", "on").containsEntry("log_destination", "jsonlog")
                .containsEntry("log_filename", "postgresql-%Y%m%d-%H%M%S.log");
    }
}
