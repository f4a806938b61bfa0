package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgset.instance.PostgresLogs;
import io.pgset.instance.RollingLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logs roll by size with the smallest limits (1 kB, 3 files, set through the system properties
 * the daemons inherit): pgset's own logs and postgres's rotate, no more files are kept than
 * allowed, and {@code pgset logs} shows the newest lines of both, oldest first, and follows them
 * across a rotation.
 */
class LogsIT extends PerTestHome {

    private static final Pattern PGSET_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+) ");
    private static final Pattern POSTGRES_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) UTC ");

    private final AtomicInteger statements = new AtomicInteger();

    @BeforeEach
    void smallestLimits() {
        System.setProperty("pgset.log.maxBytes", "1024");
        System.setProperty("pgset.log.files", "3");
    }

    @AfterEach
    void defaultLimits() {
        System.clearProperty("pgset.log.maxBytes");
        System.clearProperty("pgset.log.files");
    }

    @Test
    void logsRollWithinTheirLimitsAndPgsetLogsReadsAndFollowsAcrossTheRolls() throws Exception {
        home.pgset("up", "-f", home.specFile("""
                instances: 1
                postgres: {parameters: {log_statement: all}}
                """).toString()).ok();
        Path volume = home.cluster("demo").resolve("volumes/data-demo-0");
        Path podLog = home.cluster("demo").resolve("pods/demo-0/log");

        // postgres starts a new file at 1 kB (one per second at most: the file names have seconds).
        Set<String> seen = new TreeSet<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            write("filler", 20);
            PostgresLogs.files(volume).forEach(f -> seen.add(f.getFileName().toString()));
            return seen.size() >= 6;
        });
        // ... and the instance manager prunes all but the newest three, every 5 s. log_statement: all
        // and the controller's polling start a file a second or faster here, so that "three at most"
        // holds only just after a prune, a moment a loaded machine's polls can miss: instead, every
        // file older than the newest three of now goes at the next prune, and of the files of now no
        // more than three are left.
        List<Path> now = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            write("filler", 20);
            return PostgresLogs.files(volume);
        }, files -> files.size() > 3);
        List<Path> older = now.subList(0, now.size() - 3);
        await().atMost(Duration.ofSeconds(15)).until(() -> older.stream().noneMatch(Files::exists));
        assertThat(now.stream().filter(Files::exists).count()).isLessThanOrEqualTo(3);
        write("marker-before", 1);
        assertThat(RollingLog.files(podLog)).as("pgset's instance log rolled, 3 files at most")
                .hasSizeBetween(2, 3).last().isEqualTo(podLog);
        assertThat(podLog.resolveSibling("log.3")).doesNotExist();
        assertThat(RollingLog.files(home.cluster("demo").resolve("controller.log"))).hasSizeBetween(1, 3);

        // postgres's logging collector writes a moment after the statement ran.
        await().atMost(Duration.ofSeconds(10)).until(() -> home.pgset("logs", "demo-0").ok().out()
                .contains("SELECT 'marker-before'"));
        PgsetHome.Result logs = home.pgset("logs", "demo-0").ok();
        assertThat(logs.out()).contains("SELECT 'marker-before'", "cluster=demo pod=demo-0");
        assertOldestFirst(logs.out());
        assertThat(home.pgset("logs", "demo-0", "--tail", "3").ok().out().lines()).hasSize(3);

        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        Thread follower = new Thread(() -> {
            try (PrintStream out = new PrintStream(followed, true, StandardCharsets.UTF_8)) {
                Main.run(out, out, false, "--home", home.dir.toString(), "logs", "demo-0", "-f", "--tail", "0");
            }
        });
        follower.start();
        try {
            Set<String> before = new TreeSet<>(seen);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                write("followed", 20);
                PostgresLogs.files(volume).forEach(f -> seen.add(f.getFileName().toString()));
                return seen.size() >= before.size() + 3;
            });
            write("marker-after", 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> followed.toString(StandardCharsets.UTF_8)
                    .contains("SELECT 'marker-after'"));
        } finally {
            follower.interrupt();
            follower.join(5_000);
        }
        String out = followed.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("marker-before");
        // Across the rotations, no statement went missing.
        Matcher numbers = Pattern.compile("SELECT 'followed-(\\d+)'").matcher(out);
        TreeSet<Integer> ids = new TreeSet<>();
        while (numbers.find()) {
            ids.add(Integer.parseInt(numbers.group(1)));
        }
        assertThat(ids).isNotEmpty();
        assertThat(ids.last() - ids.first() + 1).as("followed statements without a gap").isEqualTo(ids.size());
    }

    private void write(String what, int count) throws Exception {
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                s.execute("SELECT '" + what + (count == 1 ? "" : "-" + statements.incrementAndGet()) + "'");
            }
        }
    }

    /**
     * Allows a few milliseconds' disorder: what postgres prints before its collector runs is
     * copied into pgset's log a moment after postgres stamped it.
     */
    private static void assertOldestFirst(String output) {
        Instant last = Instant.EPOCH;
        for (String line : output.lines().toList()) {
            Instant time = timeOf(line);
            if (time != null) {
                assertThat(time.plusMillis(250)).as("oldest first, at: %s", line).isAfterOrEqualTo(last);
                last = time.isAfter(last) ? time : last;
            }
        }
        assertThat(last).isAfter(Instant.EPOCH);
    }

    private static Instant timeOf(String line) {
        Matcher pgset = PGSET_TIME.matcher(line);
        if (pgset.find()) {
            return OffsetDateTime.parse(pgset.group(1)).toInstant();
        }
        Matcher postgres = POSTGRES_TIME.matcher(line);
        if (postgres.find()) {
            return LocalDateTime.parse(postgres.group(1).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        }
        return null;
    }
}
