package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A temporary PGSET_HOME for one test: runs pgset commands in this JVM (the daemons they start are
 * real processes), and on close stops every process whose command line names this home, whatever
 * state the test left it in.
 */
final class PgsetHome implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;

    private PgsetHome(Path dir) {
        this.dir = dir;
    }

    static PgsetHome create() throws IOException {
        PackagedDaemons.use();
        Path dir = Files.createTempDirectory("pgset-it-");
        // postgres runs as its own user when tests run as root: it must be able to walk in.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new PgsetHome(dir);
    }

    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        Result ok() {
            assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            return this;
        }
    }

    Result pgset(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--home", dir.toString()));
        all.addAll(List.of(args));
        if (args.length > 0 && args[0].equals("up") && !all.contains("--timeout")) {
            // A cluster that is not up in two minutes never will be here: fail fast, not in 300 s.
            all.addAll(List.of("--timeout", "120"));
        }
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Main.run(o, e, false, all.toArray(String[]::new));
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    JsonNode status(String cluster) throws IOException {
        return JSON.readTree(pgset("status", cluster, "-o", "json").ok().out());
    }

    Path cluster(String name) {
        return dir.resolve("clusters").resolve(name);
    }

    String secret(String cluster, String name) throws IOException {
        return Files.readString(cluster(cluster).resolve("secrets").resolve(name)).strip();
    }

    /** A connection as the app user, with the generated password, to any port of the cluster. */
    Connection connect(String cluster, int port) throws SQLException, IOException {
        Properties props = new Properties();
        props.setProperty("user", "app");
        props.setProperty("password", secret(cluster, "app-password"));
        props.setProperty("connectTimeout", "3");
        props.setProperty("socketTimeout", "10");
        Path ca = cluster(cluster).resolve("secrets/ca.crt");
        if (tls(cluster)) {
            props.setProperty("sslmode", "verify-full");
            props.setProperty("sslrootcert", ca.toString());
        } else {
            props.setProperty("sslmode", "disable");
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", props);
    }

    /** Whether the cluster's spec has TLS on. */
    boolean tls(String cluster) {
        return io.pgset.core.spec.SpecReader.read(cluster(cluster).resolve("spec.yaml")).tls().enabled();
    }

    int servicePort(String cluster, String service) throws IOException {
        return status(cluster).path("services").path(service).path("port").asInt();
    }

    /** The pod with this ordinal in the cluster's status, or null. */
    JsonNode pod(String cluster, int ordinal) throws IOException {
        for (JsonNode p : status(cluster).path("pods")) {
            if (p.path("ordinal").asInt() == ordinal) {
                return p;
            }
        }
        return null;
    }

    long postmasterPid(String cluster, String pod) throws IOException {
        Path pidFile = cluster(cluster).resolve("volumes/data-" + pod + "/pgdata/postmaster.pid");
        return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    }

    /** Writes a row to the table {@code notes} through rw; returns once it is committed. */
    void note(String cluster, String what) throws SQLException, IOException {
        try (Connection c = connect(cluster, servicePort(cluster, "rw")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS notes (what text)");
            s.execute("INSERT INTO notes VALUES ('" + what + "')");
        }
    }

    /** Waits (10 s at most) until the row is readable on that port exactly once. */
    void awaitNote(String cluster, int port, String what) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Connection c = connect(cluster, port); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM notes WHERE what = '" + what + "'")) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        });
    }

    /** A PostgresCluster file for cluster {@code demo} in this home, with this YAML under {@code spec:}. */
    Path specFile(String specYaml) throws IOException {
        Path file = dir.resolve("cluster-" + System.nanoTime() + ".yaml");
        Files.writeString(file, "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\nspec:\n"
                + specYaml.stripIndent().indent(2));
        return file;
    }

    /**
     * Waits until the clock has entered a new second. pgBackRest chooses the backup for a time
     * target by its stop time in whole seconds: a moment in the second a backup ended finds none.
     */
    static void awaitNextSecond() {
        long second = java.time.Instant.now().getEpochSecond();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> java.time.Instant.now().getEpochSecond() > second);
    }

    /** Sends a signal (STOP, CONT, KILL, ...) to a process, or with a negative pid to its group. */
    static void signal(String signal, long pid) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, "--", Long.toString(pid)).start().waitFor()).isZero();
    }

    /** Every live process started for this home: controllers, instance managers, postgres. */
    List<ProcessHandle> processes() {
        String marker = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    /** Those, and postgres's own processes, which work in a data directory here even when orphaned. */
    private List<ProcessHandle> everyProcess() {
        String marker = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)
                        || workingIn(p.pid(), dir))
                .toList();
    }

    private static boolean workingIn(long pid, Path dir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).startsWith(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // gone, or not ours to look at
        }
    }

    @Override
    public void close() throws IOException {
        stopProcesses();
        // The kernel routes of this home's clusters stood in front of HAProxys that are gone now.
        io.pgset.local.KernelServices.sweep();
        if (!Files.exists(dir)) {
            return;
        }
        // Every postmaster was killed: the segments they leave would fill the host's table for good.
        io.pgset.instance.LeftoverSharedMemory.releaseUnder(dir);
        // A killed postmaster's children (checkpointer, WAL writer) outlive it for a moment, and only
        // their working directory tells they belong here: they are killed too, and the removal is
        // tried again while one of them still writes a last file.
        for (int attempt = 1; ; attempt++) {
            stopProcesses();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
                if (attempt == 5) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Removes a file tree (of this home's: a stopped instance's volume, say). */
    static void deleteTree(Path tree) throws IOException {
        io.pgset.instance.LeftoverSharedMemory.releaseUnder(tree);
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Kills every process started for this home, and waits until they are gone. */
    void stopProcesses() {
        // With their children: a killed postmaster's checkpointer and WAL writer do not name the
        // home, and would go on writing into it for a moment.
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle p : everyProcess()) {
            all.add(p);
            p.descendants().forEach(all::add);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> p).join();
        }
    }
}
