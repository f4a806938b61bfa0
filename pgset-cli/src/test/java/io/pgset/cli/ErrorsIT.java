package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error that says what to do, and changes nothing. */
class ErrorsIT extends PerTestHome {

    @Test
    void invalidSpecListsEveryProblemByPathAndStartsNothing() throws Exception {
        Path file = spec("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: bad}
                spec:
                  instances: 0
                  replication: {mode: sometimes}
                  storage: {sise: 1Gi}
                """);
        PgsetHome.Result r = home.pgset("up", "-f", file.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("spec.instances: must be >= 1, got 0", "spec.replication.mode",
                "spec.storage.sise: unknown field");
        assertThat(home.dir.resolve("clusters")).doesNotExist();
        assertThat(home.processes()).isEmpty();
    }

    @Test
    void missingPostgresInstallationNamesTheDebianPackageAndStartsNothing() throws Exception {
        Path file = spec("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: nopg}
                spec:
                  postgres: {binDir: /nonexistent/postgresql/15/bin}
                """);
        PgsetHome.Result r = home.pgset("up", "-f", file.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("PostgreSQL 15 is not installed", "apt-get install postgresql-15", "binDir");
        assertThat(home.dir.resolve("clusters")).doesNotExist();
        assertThat(home.processes()).isEmpty();
    }

    @Test
    void unknownClusterIsNamedByEveryCommand() {
        for (String[] command : List.of(new String[] {"status", "nope"}, new String[] {"scale", "nope", "--instances", "2"},
                new String[] {"down", "nope"}, new String[] {"delete", "nope"}, new String[] {"psql", "nope"},
                new String[] {"delete-pod", "nope-0"}, new String[] {"logs", "nope-0"}, new String[] {"events", "nope"})) {
            PgsetHome.Result r = home.pgset(command);
            assertThat(r.exit()).as(String.join(" ", command)).isNotZero();
            assertThat(r.err()).as(String.join(" ", command)).contains("no cluster named 'nope'");
        }
        assertThat(home.pgset("delete-pod", "demo").err()).contains("is not an instance name");
    }

    @Test
    void keptPortInUseIsReportedBeforeAnythingStarts() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1").toString()).ok();
        int rw = home.servicePort("demo", "rw");
        home.pgset("down", "demo").ok();
        try (ServerSocket squatter = new ServerSocket(rw, 1, InetAddress.getByName("127.0.0.1"))) {
            PgsetHome.Result r = home.pgset("up");
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("rw service port " + rw, "in use", "Stop those processes");
            assertThat(home.processes()).isEmpty();
        }
        home.pgset("up").ok();
        assertThat(home.servicePort("demo", "rw")).isEqualTo(rw);
    }

    @Test
    void whenNoPortIsFreeUpFailsAndLeavesNoClusterBehind() throws Exception {
        // Another cluster's kept ports (files only, nothing listens) fill the whole range pgset picks from.
        StringBuilder every = new StringBuilder("{");
        for (int port = 20000; port <= 32767; port++) {
            every.append(port == 20000 ? "" : ",").append("\"p").append(port).append("\":").append(port);
        }
        Path other = home.dir.resolve("clusters/other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("services.json"), every.append("}"));

        PgsetHome.Result r = home.pgset("up");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("no free loopback port between 20000 and 32767", "12768 of them are kept",
                "pgset delete NAME --volumes");
        assertThat(home.cluster("demo")).doesNotExist();
        assertThat(home.processes()).isEmpty();
        assertThat(home.pgset("status").ok().out()).contains("no clusters");
    }

    @Test
    void aHomeThatIsAFileIsSaidToBeOneByEveryCommand() throws Exception {
        Path file = home.dir.resolve("home-file");
        Files.writeString(file, "");
        for (String command : List.of("status", "up", "events demo", "delete demo")) {
            List<String> args = new java.util.ArrayList<>(List.of("--home", file.toString()));
            args.addAll(List.of(command.split(" ")));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int exit = Main.run(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), false,
                    args.toArray(String[]::new));
            assertThat(exit).as(command).isNotZero();
            assertThat(err.toString()).as(command)
                    .contains(file + " (PGSET_HOME, or --home) is a file, not a directory").doesNotContain("chmod");
            assertThat(out.toString()).as(command).doesNotContain("no clusters");
        }
    }

    @Test
    void aHomeTheUserMayNotWriteToIsNamedWithTheReason() throws Exception {
        // Root may write anywhere: pgset runs as the postgres user here, in a directory only root may write to.
        Path locked = Files.createDirectory(home.dir.resolve("locked"));
        Path jar = PackagedDaemons.JAR;
        assertThat(jar).as("the shaded jar, built by package before the ITs").exists();
        Process up = new ProcessBuilder("runuser", "-u", "postgres", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar.toString(),
                Main.class.getName(), "--home", locked.resolve("home").toString(), "up")
                .redirectErrorStream(true).start();
        String out = new String(up.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(up.waitFor()).as(out).isNotZero();
        assertThat(out).contains("cannot create " + locked.resolve("home/clusters/demo"),
                "user postgres may not write to " + locked, "owner root, mode rwxr-xr-x", "Set PGSET_HOME or --home");
        assertThat(locked.resolve("home")).doesNotExist();
    }

    @Test
    void aNetworkAllowThatShutsOutLocalClientsIsWarnedOfAndPsqlSaysWhy() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1").toString()).ok();
        Path file = home.specFile("instances: 1\nnetwork: {allow: [\"10.0.0.0/8\"]}");

        PgsetHome.Result apply = home.pgset("apply", "-f", file.toString()).ok();

        assertThat(apply.out()).contains("WARNING: spec.network.allow (10.0.0.0/8) of cluster demo does not include"
                + " 127.0.0.1", "`pgset psql`");
        PgsetHome.Result psql = home.pgset("psql", "demo", "--", "-c", "select 1");
        assertThat(psql.exit()).isNotZero();
        assertThat(psql.out()).contains("FATAL:  cluster demo does not allow connections from 127.0.0.1"
                + " (spec.network.allow: 10.0.0.0/8)").doesNotContain("closed the connection unexpectedly");
    }

    @Test
    void twoRacingUpsEndWithOneControllerAndOneHealthyCluster() throws Exception {
        CompletableFuture<PgsetHome.Result> first = CompletableFuture.supplyAsync(() -> home.pgset("up"));
        CompletableFuture<PgsetHome.Result> second = CompletableFuture.supplyAsync(() -> home.pgset("up"));
        first.join().ok();
        second.join().ok();
        // Each daemon shows what it is in its marker, ahead of the class path.
        long controllers = home.processes().stream()
                .filter(p -> p.info().commandLine().orElse("").contains("-Dpgset.marker=--cluster-dir=")).count();
        assertThat(controllers).isEqualTo(1);
        long instances = home.processes().stream()
                .filter(p -> p.info().commandLine().orElse("").contains("-Dpgset.marker=--pod-dir=")).count();
        assertThat(instances).isEqualTo(3);
        assertThat(home.status("demo").path("phase").asText()).isEqualTo("Healthy");
    }

    @Test
    void failingInitSqlIsReportedWithItsIndex() throws Exception {
        Path file = spec("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: broken}
                spec:
                  instances: 1
                  bootstrap:
                    initdb: {initSql: ["CREATE TABLE ok (id int)", "CREATE TABLE broken ("]}
                """);
        PgsetHome.Result r = home.pgset("up", "-f", file.toString(), "--timeout", "20");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err() + r.out()).contains("spec.bootstrap.initdb.initSql[1] failed", "syntax error");
    }

    @Test
    void fileAndNameMustAgree() throws Exception {
        Path file = spec("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: one}
                """);
        PgsetHome.Result r = home.pgset("up", "-f", file.toString(), "two");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("'one'", "'two'");
        assertThat(home.dir.resolve("clusters")).doesNotExist();
    }

    private Path spec(String yaml) throws Exception {
        Path file = home.dir.resolve("cluster-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
