package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The instance manager's sessions on its postgres's Unix socket ({@link PostgresSocket},
 * {@link PostgresSocketFactory}), on a real postgres that asks for SCRAM on the socket and on TCP:
 * the socket is used when it is there, still with the password, and the driver's timeouts and
 * cancels work through it.
 */
class PostgresSocketIT {

    private static final String PASSWORD = "superuser-pw";
    /** For sessions that must not use TLS: it fails the one that would. */
    private static final Supplier<Optional<Path>> NO_TLS = () -> {
        throw new AssertionError("TLS was asked for although the socket is there");
    };

    private Path root;
    private Path socketDir;
    private int port;
    private Process postgres;

    @BeforeEach
    void startPostgres() throws Exception {
        root = ScratchPostgres.root("pgset-socket-");
        Path pgdata = root.resolve("pgdata");
        ScratchPostgres.USER.privateDirectory(pgdata);
        Path pwfile = root.resolve("pw");
        ScratchPostgres.USER.privateFile(pwfile, PASSWORD + "\n");
        ScratchPostgres.TOOLS.run(Duration.ofMinutes(2), "initdb", "-D", pgdata.toString(), "-U", "postgres",
                "--auth=scram-sha-256", "--pwfile=" + pwfile, "--locale=C.UTF-8", "--no-sync");
        socketDir = root.resolve("socket");
        ScratchPostgres.USER.privateDirectory(socketDir);
        port = ScratchPostgres.freePort();
        postgres = new ProcessBuilder(ScratchPostgres.TOOLS.command("postgres", "-D", pgdata.toString(),
                "-p", Integer.toString(port), "-k", socketDir.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_permissions=0700", "-c", "fsync=off"))
                .redirectErrorStream(true).redirectOutput(root.resolve("postgres.log").toFile()).start();
        PostgresSession tcp = new PostgresSession("127.0.0.1", port, PASSWORD, Optional::empty);
        Poll.until(Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
            try (Connection c = tcp.open("postgres")) {
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
    }

    @AfterEach
    void stopAndDelete() throws IOException {
        ScratchPostgres.stopAndDelete(postgres, root);
    }

    private Path socket() {
        return PostgresSocket.file(socketDir, port);
    }

    @Test
    void aSessionGoesOnTheSocketWithoutTlsWhenItIsThere() throws Exception {
        assertThat(socket()).exists();
        PostgresSession session = new PostgresSession("127.0.0.1", port, PASSWORD, NO_TLS, Optional.of(socket()));

        try (Connection c = session.open("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT inet_server_addr() IS NULL, current_user,"
                     + " (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("no server address: a Unix socket").isTrue();
            assertThat(rs.getString(2)).isEqualTo("postgres");
            assertThat(rs.getBoolean(3)).as("TLS").isFalse();
        }
    }

    @Test
    void theSocketStillAsksForThePassword() {
        PostgresSession wrong = new PostgresSession("127.0.0.1", port, "not-the-password", NO_TLS,
                Optional.of(socket()));

        assertThatThrownBy(() -> wrong.open("postgres").close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void withoutTheSocketFileTheSessionGoesOverTcp() throws Exception {
        PostgresSession session = new PostgresSession("127.0.0.1", port, PASSWORD, Optional::empty,
                Optional.of(socketDir.resolve(".s.PGSQL.1")));

        try (Connection c = session.open("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT host(inet_server_addr())")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void readsAreBoundedByTheSocketTimeoutAndACancelGetsThrough() throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", PASSWORD);
        props.setProperty("sslmode", "disable");
        props.setProperty("socketFactory", PostgresSocketFactory.class.getName());
        props.setProperty("socketFactoryArg", socket().toString());
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";

        props.setProperty("socketTimeout", "1");
        try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.execute("SELECT pg_sleep(20)")).isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }

        props.remove("socketTimeout");
        try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
            s.setQueryTimeout(1); // the driver cancels on a connection of its own, made by the same factory
            assertThatThrownBy(() -> s.execute("SELECT pg_sleep(20)")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("canceling statement due to user request");
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the session goes on after the cancel").isEqualTo(1);
            }
        }
    }

    @Test
    void aPostgresKilledUnderASessionFailsItsNextQuery() throws Exception {
        PostgresSession session = new PostgresSession("127.0.0.1", port, PASSWORD, NO_TLS, Optional.of(socket()));
        try (Connection c = session.open("postgres"); Statement s = c.createStatement()) {
            ScratchPostgres.kill(postgres);

            assertThatThrownBy(() -> s.execute("SELECT 1")).isInstanceOf(SQLException.class);
        }
        assertThat(Files.exists(socket())).as("a killed postgres leaves its socket file").isTrue();
        assertThatThrownBy(() -> session.open("postgres").close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("Connection to 127.0.0.1:" + port + " refused");
    }
}
