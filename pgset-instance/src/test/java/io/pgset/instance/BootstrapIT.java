package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.model.ClusterSpec.InitdbSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Bootstrap} on a real postgres (trust authentication, no TLS): what it creates, where its
 * record goes, and that a bootstrap cut short is run again and one that finished is not.
 */
class BootstrapIT {

    private static final Secrets SECRETS = new Secrets("superuser-pw", "replication-pw", "app-pw", "token");

    private Path root;
    private Path pgdata;
    private Process postgres;
    private PostgresSession session;

    @BeforeEach
    void startPostgres() throws Exception {
        root = ScratchPostgres.root("pgset-bootstrap-");
        pgdata = root.resolve("pgdata");
        ScratchPostgres.initdb(pgdata);
        int port = ScratchPostgres.freePort();
        postgres = new ProcessBuilder(ScratchPostgres.TOOLS.command("postgres", "-D", pgdata.toString(),
                "-p", Integer.toString(port), "-k", pgdata.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "log_connections=on", "-c", "fsync=off"))
                .redirectErrorStream(true).redirectOutput(root.resolve("postgres.log").toFile()).start();
        session = new PostgresSession("127.0.0.1", port, SECRETS.superuserPassword(), Optional::empty);
        awaitConnections();
    }

    @AfterEach
    void stopAndDelete() throws IOException {
        ScratchPostgres.stopAndDelete(postgres, root);
    }

    @Test
    void withoutInitSqlTheRecordGoesOnTheGivenSessionAndBootstrapRunsOnce() throws Exception {
        AtomicInteger started = new AtomicInteger();
        try (Connection c = session.open("postgres")) {
            assertThat(bootstrap(List.of()).ensure(c, false, started::incrementAndGet)).isTrue();
            assertThat(bootstrap(List.of()).ensure(c, false, started::incrementAndGet)).as("finished before").isFalse();
            assertThat(rolesAndDatabase(c)).containsExactly("app", "pgset_replication", "app");
            assertThat(recorded(c)).isTrue();
        }
        assertThat(started).hasValue(1);
        assertThat(connectionsTo("app")).as("no session was opened to the new database").isZero();
    }

    @Test
    void initSqlRunsInTheNewDatabaseAndCommitsWithTheRecord() throws Exception {
        try (Connection c = session.open("postgres")) {
            assertThat(bootstrap(List.of("CREATE TABLE seeded (x int)", "INSERT INTO seeded VALUES (7)"))
                    .ensure(c, false, () -> { })).isTrue();
            assertThat(recorded(c)).isTrue();
        }
        try (Connection app = session.open("app"); Statement s = app.createStatement();
             ResultSet rs = s.executeQuery("SELECT x FROM seeded")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
        assertThat(connectionsTo("app")).isEqualTo(2);
    }

    @Test
    void failedInitSqlLeavesNoRecordAndTheNextStartRunsItAgain() throws Exception {
        try (Connection c = session.open("postgres")) {
            assertThatThrownBy(() -> bootstrap(List.of("CREATE TABLE seeded (x int)", "SELECT 1/0"))
                    .ensure(c, false, () -> { }))
                    .hasMessageContaining("spec.bootstrap.initdb.initSql[1] failed");
            assertThat(recorded(c)).isFalse();
            assertThat(bootstrap(List.of("CREATE TABLE seeded (x int)")).ensure(c, false, () -> { })).isTrue();
            assertThat(recorded(c)).isTrue();
        }
    }

    /** Cut short after CREATE DATABASE, before the record: the next start finds the roles and database and records. */
    @Test
    void bootstrapCutShortBeforeItsRecordIsRunAgain() throws Exception {
        try (Connection c = session.open("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE pgset_replication LOGIN REPLICATION");
            s.execute("CREATE ROLE app LOGIN");
            s.execute("CREATE DATABASE app OWNER app");
            assertThat(bootstrap(List.of()).ensure(c, false, () -> { })).isTrue();
            assertThat(recorded(c)).isTrue();
            assertThat(rolesAndDatabase(c)).containsExactly("app", "pgset_replication", "app");
        }
    }

    private Bootstrap bootstrap(List<String> initSql) {
        return new Bootstrap(session, new InitdbSpec("app", "app", true, initSql), SECRETS, Optional.empty());
    }

    /** The two login roles with a SCRAM password, then the application database. */
    private static List<String> rolesAndDatabase(Connection c) throws SQLException {
        List<String> found = new java.util.ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolname FROM pg_authid WHERE rolcanlogin AND rolpassword LIKE"
                     + " 'SCRAM-SHA-256$%' ORDER BY rolname")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname = 'app'")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    private static boolean recorded(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_db_role_setting r JOIN pg_database d ON d.oid ="
                     + " r.setdatabase WHERE d.datname = 'app' AND array_to_string(r.setconfig, ',') LIKE '%"
                     + Bootstrap.SETTING + "=%'")) {
            return rs.next();
        }
    }

    /** Sessions postgres authorized to {@code database}, from its log (log_connections). */
    private long connectionsTo(String database) throws IOException {
        try (Stream<String> lines = Files.lines(root.resolve("postgres.log"))) {
            java.util.regex.Pattern authorized = java.util.regex.Pattern.compile(
                    "connection authorized: .*\\bdatabase=" + java.util.regex.Pattern.quote(database) + "(\\s|$)");
            return lines.filter(l -> authorized.matcher(l).find()).count();
        }
    }

    private void awaitConnections() throws Exception {
        boolean accepted = Poll.until(Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
            assertThat(postgres.isAlive())
                    .as("postgres runs; its log: %s", Files.readString(root.resolve("postgres.log"))).isTrue();
            try (Connection c = session.open("postgres")) {
                return true;
            } catch (SQLException starting) {
                return false;
            }
        });
        assertThat(accepted).as("postgres accepted connections within 60 s").isTrue();
    }
}
