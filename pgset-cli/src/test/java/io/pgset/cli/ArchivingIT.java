package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * WAL archiving health with real postgres and pgBackRest on the local posix repository: a
 * repository that refuses writes under load (writes go on, status and events say archiving fails,
 * and once it takes writes again the archive catches up by itself with no gap and nothing lost),
 * and archiving on the new timeline after a failover.
 */
class ArchivingIT extends PerTestHome {

    /**
     * A segment pushed completely: its 24-character name, "-", its checksum and the compression
     * extension; not pgBackRest's temporary file, which is renamed to this once it is all written.
     */
    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{24})-[0-9a-f]{40}([.](gz|lz4|zst|bz2))?");
    /** Segments per WAL "log" with the default 16 MB segments: names count 00..FF, then the log goes up. */
    private static final long SEGMENTS_PER_LOG = 0x100;

    @Test
    void unwritableRepositoryKeepsWritesGoingSaysArchivingFailsAndCatchesUpWithoutAGap() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1\nbackup: {archive: {timeoutSeconds: 60}}").toString()).ok();
        Path repository = repository();
        home.pgset("backup", "demo").ok();
        PgsetHome.awaitNextSecond();
        Set<Long> beforeTheMoment;
        String moment;
        try (RowWriter writer = RowWriter.start(home, "demo", "archive_load")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged.size() > 20);
            String before = switchWal();
            await().atMost(Duration.ofSeconds(20)).until(() -> segments(repository, 1).contains(before));

            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(repository);
            Files.setPosixFilePermissions(repository, PosixFilePermissions.fromString("---------"));
            long outage = System.nanoTime();
            String lastInOutage;
            try {
                for (int i = 0; i < 3; i++) {
                    awaitMoreWrites(writer);
                    switchWal();
                }
                beforeTheMoment = Set.copyOf(writer.acknowledged);
                moment = now();
                awaitMoreWrites(writer);
                lastInOutage = switchWal();
                JsonNode failing = await().atMost(Duration.ofSeconds(30)).until(() -> home.status("demo"),
                        s -> s.path("archive").path("failing").asBoolean() && s.path("archive").path("segmentsWaiting").asInt() >= 4);
                JsonNode condition = condition(failing, "ArchivingFailing");
                System.out.printf("ArchivingIT: during the outage: %s%n", condition.path("message").asText());
                assertThat(condition.path("status").asBoolean()).isTrue();
                assertThat(condition.path("message").asText()).startsWith("WAL archiving failing since ")
                        .contains(" segments waiting, pg_wal at ", " MB on demo-0");
                assertThat(failing.path("archive").path("lastArchivedWal").asText()).isEqualTo(before);
                assertThat(home.pgset("status", "demo").ok().out()).contains("archive: last archived " + before,
                        "FAILING: WAL archiving failing since");
                await().atMost(Duration.ofSeconds(10)).until(() -> home.pgset("events", "demo").ok().out()
                        .contains("WAL archiving failing since"));
                awaitMoreWrites(writer); // writes go on while nothing can be archived
                // postgres tries a segment three times in a row, then waits for the next segment or a
                // minute: past that, the archiver must come back by itself once the repository is fixed.
                await().atMost(Duration.ofSeconds(30)).until(() -> home.status("demo").path("archive")
                        .path("failedCount").asInt() >= 3);
                assertThat(segments(repository, 1)).doesNotContain(lastInOutage);
            } finally {
                Files.setPosixFilePermissions(repository, permissions);
            }
            long fixed = System.nanoTime();
            // No command: the archiver retries by itself (at the latest a minute after its last failure).
            await().atMost(Duration.ofSeconds(120)).until(() -> segments(repository, 1).contains(lastInOutage));
            System.out.printf("ArchivingIT: the archive caught up %.1f s after the repository was writable again"
                    + " (outage %.1f s)%n", (System.nanoTime() - fixed) / 1e9, (fixed - outage) / 1e9);
            JsonNode recovered = await().atMost(Duration.ofSeconds(10)).until(() -> home.status("demo"),
                    s -> !s.path("archive").path("failing").asBoolean());
            assertThat(condition(recovered, "ArchivingFailing").path("status").asBoolean()).isFalse();
            assertThat(home.pgset("events", "demo").ok().out()).contains("WAL archiving works again on demo-0");

            awaitMoreWrites(writer);
            String after = switchWal();
            await().atMost(Duration.ofSeconds(20)).until(() -> segments(repository, 1).contains(after));
            assertContiguous(segments(repository, 1), before, after);
            writer.close();
            assertThat(rows("demo", "archive_load")).as("every acknowledged row").containsAll(writer.acknowledged);
            System.out.printf("ArchivingIT: %d rows acknowledged, segments %s to %s all archived%n",
                    writer.acknowledged.size(), before, after);
        }
        // The archive has no gap: a recovery to a moment inside the outage has every row acknowledged before it.
        recover("inside", moment);
        Set<Long> recovered = rows("inside", "archive_load");
        assertThat(recovered).as("rows acknowledged before %s", moment).containsAll(beforeTheMoment);
        assertThat(recovered.size()).as("rows recovered to %s", moment).isLessThan(rows("demo", "archive_load").size());
    }

    @Test
    void afterAFailoverTheNewPrimaryArchivesItsHistoryFileAndSegmentsOfItsTimeline() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 2\nbackup: {archive: {timeoutSeconds: 60}}").toString()).ok();
        Path repository = repository();
        home.pgset("backup", "demo").ok();
        PgsetHome.awaitNextSecond();
        home.note("demo", "before the failover");
        String before = switchWal();
        await().atMost(Duration.ofSeconds(20)).until(() -> segments(repository, 1).contains(before));

        JsonNode old = primaryPod();
        PgsetHome.signal("KILL", -old.path("pid").asLong()); // the instance manager and its postgres at once
        long killed = System.nanoTime();
        JsonNode promoted = await().atMost(Duration.ofSeconds(60)).until(() -> home.status("demo"),
                s -> s.path("primary").asText().equals("demo-1") && primaryTimeline(s) == 2);
        System.out.printf("ArchivingIT: demo-1 promoted %.1f s after the kill%n", (System.nanoTime() - killed) / 1e9);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(archive(repository).resolve("00000002.history")));
        home.note("demo", "after the failover");
        String onNewTimeline = switchWal();
        assertThat(onNewTimeline).startsWith("00000002");
        await().atMost(Duration.ofSeconds(20)).until(() -> segments(repository, 2).contains(onNewTimeline));
        System.out.printf("ArchivingIT: 00000002.history and %s archived %.1f s after the kill%n", onNewTimeline,
                (System.nanoTime() - killed) / 1e9);
        JsonNode status = await().atMost(Duration.ofSeconds(10)).until(() -> home.status("demo"),
                s -> s.path("archive").path("lastArchivedWal").asText().compareTo(onNewTimeline) >= 0);
        assertThat(status.path("archive").path("failing").asBoolean()).isFalse();
        assertThat(promoted.path("primary").asText()).isEqualTo("demo-1");

        // A recovery from the backup taken before the failover reaches a moment after it, across the timeline switch.
        String moment = now();
        home.note("demo", "after the moment");
        String last = switchWal();
        await().atMost(Duration.ofSeconds(20)).until(() -> segments(repository, 2).contains(last));
        recover("across", moment);
        try (Connection c = home.connect("across", home.servicePort("across", "rw")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(what, ',' ORDER BY what) FROM notes")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("after the failover,before the failover");
        }
    }

    /** The moment now, as postgres on the primary reads it, with a zone offset. */
    private String now() {
        return superuserSql("select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')");
    }

    /** Creates cluster {@code name}, one instance, recovered from demo's backups to {@code moment}. */
    private void recover(String name, String moment) throws Exception {
        Path spec = home.dir.resolve(name + ".yaml");
        Files.writeString(spec, "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: " + name
                + "}\nspec:\n  instances: 1\n  bootstrap: {recovery: {source: {cluster: demo}, target: {time: \""
                + moment + "\"}}}\n");
        long start = System.nanoTime();
        home.pgset("up", "-f", spec.toString()).ok();
        System.out.printf("ArchivingIT: cluster %s recovered to %s in %.1f s%n", name, moment,
                (System.nanoTime() - start) / 1e9);
    }

    /** The cluster's repository: the default posix path, under the cluster's system identifier. */
    private Path repository() {
        String systemIdentifier = superuserSql("select system_identifier from pg_control_system()");
        return home.cluster("demo").resolve("backups").resolve(systemIdentifier);
    }

    private static Path archive(Path repository) {
        return repository.resolve("archive/demo/15-1");
    }

    /** Switches the primary to a new segment and returns the one it closed. */
    private String switchWal() {
        return superuserSql("select pg_walfile_name(pg_switch_wal())");
    }

    /** The single value a statement's last row has, run as the superuser on the rw service. */
    private String superuserSql(String sql) {
        String out = home.pgset("psql", "demo", "--superuser", "--", "-Atc", sql).ok().out().strip();
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    private static void awaitMoreWrites(RowWriter writer) {
        int now = writer.acknowledged.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged.size() > now + 20);
    }

    /** The full segments of a timeline in the repository, by name. */
    private static TreeSet<String> segments(Path repository, int timeline) throws Exception {
        TreeSet<String> names = new TreeSet<>();
        Path archive = archive(repository);
        if (!Files.isDirectory(archive)) {
            return names;
        }
        String prefix = String.format("%08X", timeline);
        collect(archive, prefix, names);
        return names;
    }

    /**
     * Adds the segment names under {@code dir}. Not with Files.walk: it reads each entry's
     * attributes, and fails on the temporary file pgBackRest renames while the test looks.
     */
    private static void collect(Path dir, String prefix, TreeSet<String> names) throws java.io.IOException {
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Matcher m = SEGMENT.matcher(entry.getFileName().toString());
                if (m.matches() && m.group(1).startsWith(prefix)) {
                    names.add(m.group(1));
                } else if (Files.isDirectory(entry)) {
                    collect(entry, prefix, names);
                }
            }
        }
    }

    /** Every segment from {@code first} to {@code last} (same timeline) is among {@code archived}. */
    private static void assertContiguous(TreeSet<String> archived, String first, String last) {
        Set<Long> numbers = new HashSet<>();
        archived.forEach(n -> numbers.add(number(n)));
        List<Long> missing = Stream.iterate(number(first), n -> n <= number(last), n -> n + 1)
                .filter(n -> !numbers.contains(n)).toList();
        assertThat(missing).as("segments missing between %s and %s", first, last).isEmpty();
        assertThat(number(last) - number(first)).as("segments from before to after the outage").isGreaterThanOrEqualTo(5);
    }

    /** A segment's position on its timeline. */
    private static long number(String segment) {
        return Long.parseLong(segment.substring(8, 16), 16) * SEGMENTS_PER_LOG + Long.parseLong(segment.substring(16), 16);
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + status);
    }

    private JsonNode primaryPod() throws Exception {
        String primary = home.status("demo").path("primary").asText();
        for (JsonNode p : home.status("demo").path("pods")) {
            if (p.path("name").asText().equals(primary)) {
                return p;
            }
        }
        throw new AssertionError("no primary pod");
    }

    private static long primaryTimeline(JsonNode status) {
        for (JsonNode p : status.path("pods")) {
            if (p.path("name").asText().equals(status.path("primary").asText())) {
                return p.path("timeline").asLong();
            }
        }
        return 0;
    }

    private Set<Long> rows(String cluster, String table) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = home.connect(cluster, home.servicePort(cluster, "rw")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
