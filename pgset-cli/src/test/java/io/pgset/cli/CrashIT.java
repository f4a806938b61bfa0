package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgset.local.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Data safety under the worst timing: the instance process and its postgres are killed (kill -9
 * of the process group, as when a machine dies) in the middle of initdb, the init SQL,
 * pg_basebackup, pg_rewind, and just after a promotion. Each time the cluster comes back on its
 * own with every acknowledged row, and no data directory is ever deleted.
 *
 * <p>A tool is caught in the middle by a wrapper in the cluster's {@code postgres.binDir} (every
 * other program is a link to the real one): while armed, it runs the real tool, lets it work for a
 * moment, freezes it (SIGSTOP), says so, and never returns, so pgset never learns how it ended.
 */
class CrashIT extends PerTestHome {

    private static final Path REAL_BIN = Path.of("/usr/lib/postgresql/15/bin");

    private Path bin;

    /** A bin directory of links to the real programs, with {@code tool} wrapped and armed. */
    private Path wrap(String tool, String workSeconds) throws Exception {
        bin = home.dir.resolve("bin");
        Files.createDirectories(bin);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Stream<Path> programs = Files.list(REAL_BIN)) {
            for (Path program : programs.toList()) {
                if (!program.getFileName().toString().equals(tool)) {
                    Files.createSymbolicLink(bin.resolve(program.getFileName()), program);
                }
            }
        }
        Path wrapper = bin.resolve(tool);
        Files.writeString(wrapper, """
                #!/bin/sh
                here=$(dirname "$0")
                if [ ! -e "$here/armed" ]; then exec %1$s/%2$s "$@"; fi
                %1$s/%2$s "$@" &
                child=$!
                sleep %3$s
                kill -STOP $child 2>/dev/null
                touch "$here/reached"
                while :; do sleep 1; done
                """.formatted(REAL_BIN, tool, workSeconds));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(bin.resolve("armed"), "");
        Files.setPosixFilePermissions(bin.resolve("armed"), PosixFilePermissions.fromString("rw-rw-rw-"));
        return bin;
    }

    /** Waits until the wrapped tool froze in the middle of its work, disarms it, and kills the pod. */
    private void killWhenReached(String pod) throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(bin.resolve("reached")));
        Files.delete(bin.resolve("armed"));
        Files.delete(bin.resolve("reached"));
        killPod(pod);
    }

    /** kill -9 of the instance process's whole group: the instance manager, postgres, any tool it runs. */
    private void killPod(String pod) throws Exception {
        long pid = Long.parseLong(Files.readString(home.cluster("demo").resolve("pods/" + pod + "/pid")).strip());
        PgsetHome.signal("KILL", -pid);
    }

    private Path spec(int instances, String extra) throws Exception {
        return home.specFile("instances: " + instances + "\npostgres: {binDir: \"" + bin + "\"}\n" + extra);
    }

    private CompletableFuture<PgsetHome.Result> inBackground(String... args) {
        return CompletableFuture.supplyAsync(() -> home.pgset(args));
    }

    @Test
    void aVolumeWithoutMarkerOrRecordedPrimaryKeepsItsDatabase() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1").toString()).ok();
        execute(home.servicePort("demo", "rw"), "CREATE TABLE precious (x int)", "INSERT INTO precious VALUES (42)");
        home.pgset("down", "demo").ok();
        // What a lost marker, a restored file-level copy or an adopted volume look like: no marker
        // and no record of a primary, so the controller takes the cluster for a new one.
        Files.deleteIfExists(home.cluster("demo").resolve("volumes/data-demo-0/bootstrapped"));
        Files.delete(home.cluster("demo").resolve("state.json"));
        int logged = log("demo-0").length();

        home.pgset("up", "demo").ok();

        assertThat(count(home.servicePort("demo", "rw"), "SELECT x FROM precious")).isEqualTo(42);
        assertThat(log("demo-0").substring(logged)).contains("starting on the data in").doesNotContain("initdb");
    }

    @Test
    void killDuringInitdbStartsAgainFromNothing() throws Exception {
        wrap("initdb", "0.3");
        // A volume that exists gets no initdb from pgset up (InitdbAhead): the instance runs its own.
        Files.createDirectories(volume("demo-0"));
        CompletableFuture<PgsetHome.Result> up = inBackground("up", "-f", spec(1, "").toString());
        killWhenReached("demo-0");
        up.get().ok();
        assertThat(log("demo-0")).contains("removing " + volume("demo-0").resolve("pgdata.initdb"));
        assertThat(volume("demo-0").resolve("pgdata.initdb")).doesNotExist();
        execute(home.servicePort("demo", "rw"), "CREATE TABLE t (x int)");
    }

    /**
     * The initdb that {@code pgset up} starts ahead for a new cluster, killed half way with
     * everything it started (as Ctrl-C does): the instance manager waits until none of it runs, does
     * not take what it left, and makes the database itself.
     */
    @Test
    void killDuringInitdbStartedAheadStartsAgainFromNothing() throws Exception {
        wrap("initdb", "0.3");
        CompletableFuture<PgsetHome.Result> up = inBackground("up", "-f", spec(1, "").toString());
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(bin.resolve("reached")));
        Files.delete(bin.resolve("armed"));
        String record = volume("demo-0").resolve("initdb.ahead").toString();
        List<ProcessHandle> runners = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(record) && c.contains("flock")).orElse(false))
                .toList();
        assertThat(runners).as("the runner of initdb ahead").hasSize(1);
        runners.get(0).descendants().forEach(ProcessHandle::destroyForcibly);
        runners.get(0).destroyForcibly();

        up.get().ok();

        assertThat(log("demo-0")).contains("initdb started ahead by pgset up did not complete")
                .contains("removing " + volume("demo-0").resolve("pgdata.initdb"));
        assertThat(volume("demo-0").resolve("initdb.ahead")).doesNotExist();
        execute(home.servicePort("demo", "rw"), "CREATE TABLE t (x int)");
    }

    @Test
    void killDuringTheInitSqlRunsItAgainExactlyOnce() throws Exception {
        bin = REAL_BIN;
        Path file = spec(1, """
                bootstrap:
                  initdb:
                    initSql: ["CREATE TABLE once (x int)", "INSERT INTO once VALUES (1)", "SELECT pg_sleep(5)"]
                """);
        CompletableFuture<PgsetHome.Result> up = inBackground("up", "-f", file.toString());
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> superuserCount("postgres",
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)'") == 1);
        killPod("demo-0");
        up.get().ok();
        assertThat(superuserCount("app", "SELECT count(*) FROM once")).isEqualTo(1);
        assertThat(log("demo-0")).contains("bootstrap complete");
    }

    @Test
    void killDuringPgBasebackupClonesAgain() throws Exception {
        CompletableFuture<PgsetHome.Result> scale = scaleToTwoWithPgBasebackupArmed();
        killWhenReached("demo-1");
        scale.get().ok();
        assertThat(volume("demo-1").resolve("pgdata.clone")).doesNotExist();
        clonedAgain();
    }

    /** One instance with a note written, then a scale to two whose pg_basebackup freezes half way. */
    private CompletableFuture<PgsetHome.Result> scaleToTwoWithPgBasebackupArmed() throws Exception {
        wrap("pg_basebackup", "0.2");
        Files.delete(bin.resolve("armed"));
        home.pgset("up", "-f", spec(1, "").toString()).ok();
        home.note("demo", "before the clone");
        Files.writeString(bin.resolve("armed"), "");
        return inBackground("scale", "demo", "--instances", "2", "--timeout", "120");
    }

    /** demo-1 removed the unfinished clone, cloned again and holds the note. */
    private void clonedAgain() throws Exception {
        assertThat(log("demo-1")).contains("removing " + volume("demo-1").resolve("pgdata.clone"));
        home.awaitNote("demo", pod(1).path("port").asInt(), "before the clone");
    }

    /**
     * The instance manager alone is killed (as the OOM killer does) while its pg_basebackup works:
     * left running, the tool would go on writing into the staging directory the next clone uses.
     */
    @Test
    void anInstanceManagerKilledAloneDuringPgBasebackupLeavesNoToolBehind() throws Exception {
        CompletableFuture<PgsetHome.Result> scale = scaleToTwoWithPgBasebackupArmed();
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(bin.resolve("reached")));
        Files.delete(bin.resolve("armed"));
        long manager = Long.parseLong(Files.readString(home.cluster("demo").resolve("pods/demo-1/pid")).strip());
        List<ProcessHandle> tools = home.processes().stream()
                .filter(p -> p.info().commandLine().map(c -> c.contains("pgdata.clone")).orElse(false)).toList();
        assertThat(tools).as("the frozen pg_basebackup and its wrapper").isNotEmpty();

        PgsetHome.signal("KILL", manager);

        scale.get().ok();
        assertThat(tools).as("killed before the pod was started again").allMatch(Processes::ended);
        clonedAgain();
    }

    @Test
    void killDuringPgRewindKeepsTheDataAsideAndClonesAgain() throws Exception {
        wrap("pg_rewind", "0.05");
        Files.delete(bin.resolve("armed"));
        home.pgset("up", "-f", spec(2, "").toString()).ok();
        home.note("demo", "before the failover");
        home.awaitNote("demo", pod(1).path("port").asInt(), "before the failover");
        Files.writeString(bin.resolve("armed"), "");

        killPod("demo-0"); // the primary: demo-1 is promoted, and demo-0 comes back to be rewound
        killWhenReached("demo-0");

        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
            JsonNode status = home.status("demo");
            return status.path("phase").asText().equalsIgnoreCase("healthy")
                    && status.path("primary").asText().equals("demo-1");
        });
        home.note("demo", "after the failover");
        home.awaitNote("demo", pod(0).path("port").asInt(), "after the failover");
        home.awaitNote("demo", pod(0).path("port").asInt(), "before the failover");
        try (Stream<Path> entries = Files.list(volume("demo-0"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("pgdata.broken-"));
        }
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> pod(0).path("storage").path("keptCopies").size() == 1);
        assertThat(volume("demo-0").resolve("rewinding")).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> home.pgset("events", "demo").out()
                .contains("demo-0 kept data it could not use aside at data-demo-0/pgdata.broken-"));
        assertThat(log("demo-0")).contains("a pg_rewind into this data was interrupted", "moved aside");
    }

    @Test
    void killDuringTheReplayOfARecoveryRestoresAgainAndLosesNothing() throws Exception {
        wrap("postgres", "0.5");
        Files.delete(bin.resolve("armed"));
        home.pgset("up", "-f", home.specFile("instances: 1\nbackup: {}").toString()).ok();
        execute(home.servicePort("demo", "rw"), "CREATE TABLE kept (x int)");
        home.pgset("backup", "demo").ok();
        execute(home.servicePort("demo", "rw"), "INSERT INTO kept VALUES (1), (2)");
        int acknowledged = count(home.servicePort("demo", "rw"), "SELECT count(*) FROM kept");
        home.pgset("psql", "demo", "--superuser", "--", "-c", "SELECT pg_switch_wal()").ok();
        await().atMost(Duration.ofSeconds(30)).until(() -> home.status("demo").path("archive")
                .path("segmentsWaiting").asInt() == 0);

        // The copy's first postgres is the private one that replays the source's WAL: frozen there and killed.
        Files.writeString(bin.resolve("armed"), "");
        Path copy = home.dir.resolve("copy.yaml");
        Files.writeString(copy, "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: copy}\nspec:\n"
                + "  instances: 1\n  postgres: {binDir: \"" + bin + "\"}\n  bootstrap: {recovery: {source: {cluster: demo}}}\n");
        CompletableFuture<PgsetHome.Result> up = inBackground("up", "-f", copy.toString());
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(bin.resolve("reached")));
        Path staging = home.cluster("copy").resolve("volumes/data-copy-0/pgdata.restore");
        assertThat(staging).isDirectory();
        assertThat(home.cluster("copy").resolve("volumes/data-copy-0/pgdata")).doesNotExist();
        Files.delete(bin.resolve("armed"));
        PgsetHome.signal("KILL", -Long.parseLong(Files.readString(home.cluster("copy").resolve("pods/copy-0/pid")).strip()));

        up.get().ok();
        assertThat(Files.readString(home.cluster("copy").resolve("pods/copy-0/log"))).contains("removing " + staging);
        try (Connection c = home.connect("copy", home.servicePort("copy", "rw")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows acknowledged on the source before its WAL was archived").isEqualTo(acknowledged);
        }
        assertThat(count(home.servicePort("demo", "rw"), "SELECT count(*) FROM kept")).isEqualTo(acknowledged);
    }

    @Test
    void killOfTheNewPrimaryJustAfterItsPromotionLosesNoAcknowledgedRow() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 3\nreplication: {mode: sync, syncStandbys: 1}").toString())
                .ok();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        int rw = home.servicePort("demo", "rw");
        execute(rw, "CREATE TABLE acked (id int PRIMARY KEY)");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int id = 1; writing.get(); id++) {
                try (Connection c = home.connect("demo", rw); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO acked VALUES (" + id + ")");
                    acknowledged.add(id);
                } catch (Exception e) {
                    // not acknowledged: it may or may not be there, and either is fine
                }
            }
        });
        await().until(() -> acknowledged.size() > 20);

        killPod("demo-0");
        java.util.regex.Pattern promotion = java.util.regex.Pattern.compile("primary is (demo-\\d+) \\(promoted\\)");
        String[] promoted = {null};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            java.util.regex.Matcher m = promotion.matcher(home.pgset("events", "demo").out());
            return m.find() && (promoted[0] = m.group(1)) != null;
        });
        killPod(promoted[0]);

        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> home.status("demo").path("phase").asText().equalsIgnoreCase("healthy"));
        int before = acknowledged.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() > before + 20);
        writing.set(false);
        writer.get();
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM acked")) {
            Set<Integer> present = new java.util.HashSet<>();
            while (rs.next()) {
                present.add(rs.getInt(1));
            }
            assertThat(present).as("every acknowledged row").containsAll(acknowledged);
        }
    }

    private Path volume(String pod) {
        return home.cluster("demo").resolve("volumes/data-" + pod);
    }

    private String log(String pod) throws Exception {
        return Files.readString(home.cluster("demo").resolve("pods/" + pod + "/log"));
    }

    private JsonNode pod(int ordinal) throws Exception {
        return home.pod("demo", ordinal);
    }

    private void execute(int port, String... statements) throws Exception {
        try (Connection c = home.connect("demo", port); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private int count(int port, String query) throws Exception {
        try (Connection c = home.connect("demo", port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A query as the superuser on demo-0's own port (the app database may not exist yet). */
    private int superuserCount(String database, String query) throws Exception {
        int port = PgsetHome.JSON.readTree(home.cluster("demo").resolve("pods/demo-0/ports.json").toFile())
                .path("postgres").asInt();
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", home.secret("demo", "superuser-password"));
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", home.cluster("demo").resolve("secrets/ca.crt").toString());
        props.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                props);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
