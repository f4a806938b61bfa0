package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** TLS by default: the cluster CA, verify-full connections, the network allow-list, renewal without restart. */
class TlsIT extends SharedCluster {

    @Test
    void connectionsWithoutTlsAreRefused() {
        assertThatThrownBy(() -> connect(home.servicePort("demo", "rw"), "sslmode", "disable"))
                .hasMessageContaining("no pg_hba.conf entry").hasMessageContaining("no encryption");
        assertThatThrownBy(() -> connect(pod(1).path("port").asInt(), "sslmode", "disable"))
                .hasMessageContaining("no encryption");
    }

    @Test
    void verifiedTlsConnectionsWorkAndAWrongPasswordIsStillRefused() throws Exception {
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getString(2)).isEqualTo("TLSv1.3");
        }
        assertThatThrownBy(() -> connect(home.servicePort("demo", "rw"), "password", "not-the-password"))
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void aClientFromOutsideTheAllowListIsRefused() {
        // 127.0.0.2 is loopback too, but spec.network.allow admits only 127.0.0.1/32: pg_hba.conf
        // refuses it at an instance, and the rw service (where postgres would see the proxy's
        // address) refuses it itself.
        assertThatThrownBy(() -> connect(pod(0).path("port").asInt(), "localSocketAddress", "127.0.0.2"))
                .hasMessageContaining("no pg_hba.conf entry for host \"127.0.0.2\"");
        assertThatThrownBy(() -> connect(home.servicePort("demo", "rw"), "localSocketAddress", "127.0.0.2"))
                .isInstanceOf(java.sql.SQLException.class);
        assertThat(home.cluster("demo").resolve("controller.log")).content()
                .contains("service=rw refused a connection from 127.0.0.2: not in spec.network.allow");
    }

    @Test
    void psqlConnectsInVerifyFullModeWithThePrintedUriAndReplicationUsesTheClientCertificate() throws Exception {
        String uri = home.status("demo").path("services").path("rw").path("uri").asText();
        assertThat(uri).contains("sslmode=verify-full", "sslrootcert=" + home.cluster("demo").resolve("secrets/ca.crt"));
        assertThat(psql(uri, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").strip()).isEqualTo("t");
        Properties superuser = new Properties();
        superuser.setProperty("user", "postgres");
        superuser.setProperty("password", home.secret("demo", "superuser-password"));
        superuser.setProperty("sslmode", "verify-full");
        superuser.setProperty("sslrootcert", home.cluster("demo").resolve("secrets/ca.crt").toString());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pod(0).path("port").asInt()
                + "/postgres", superuser); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT r.application_name, l.client_dn FROM pg_stat_replication r"
                     + " JOIN pg_stat_ssl l USING (pid) ORDER BY 1")) {
            List<String> streams = new ArrayList<>();
            while (rs.next()) {
                streams.add(rs.getString(1) + " " + rs.getString(2));
            }
            assertThat(streams).containsExactly("demo-1 /CN=pgset_replication/O=pgset", "demo-2 /CN=pgset_replication/O=pgset");
        }
        assertThat(home.pgset("psql", "demo", "--", "-Atc", "SELECT 42").exit()).isZero();
    }

    @Test
    void certificatesVerifyWithOpensslAndCoverTheInstanceAndServiceNames() throws Exception {
        Path ca = home.cluster("demo").resolve("secrets/ca.crt");
        for (int i = 0; i < 3; i++) {
            Path tls = home.cluster("demo").resolve("volumes/data-demo-" + i + "/tls");
            assertThat(run("openssl", "verify", "-CAfile", ca.toString(), tls.resolve("server.crt").toString(),
                    tls.resolve("replication.crt").toString())).contains("server.crt: OK", "replication.crt: OK");
            assertThat(run("openssl", "x509", "-in", tls.resolve("server.crt").toString(), "-noout", "-ext",
                    "subjectAltName")).contains("DNS:demo-" + i, "DNS:localhost", "DNS:demo-" + i + ".demo",
                    "DNS:demo-rw", "DNS:demo-ro", "IP Address:127.0.0.1");
        }
        assertThat(home.status("demo").path("pods").get(0).path("certificateExpires").asText()).isNotEmpty();
    }

    @Test
    void aForcedRenewalIsServedToNewConnectionsWithoutRestartingPostgresOrDroppingOne() throws Exception {
        int port = pod(0).path("port").asInt();
        long postmaster = home.postmasterPid("demo", "demo-0");
        String before = servedSerial(port);
        try (Connection open = home.connect("demo", port); Statement s = open.createStatement()) {
            s.execute("SELECT 1");

            PgsetHome.Result renew = home.pgset("certificates", "demo", "--renew").ok();

            String after = servedSerial(port);
            assertThat(after).isNotEqualTo(before);
            String onDisk = run("openssl", "x509", "-noout", "-serial", "-in",
                    home.cluster("demo").resolve("volumes/data-demo-0/tls/server.crt").toString());
            assertThat(onDisk.strip()).isEqualToIgnoringCase(after);
            assertThat(renew.out()).containsIgnoringCase(after.replaceFirst("serial=0*", ""));
            s.execute("SELECT 1"); // the connection opened before the renewal is still there
        }
        assertThat(home.postmasterPid("demo", "demo-0")).as("postgres was not restarted").isEqualTo(postmaster);
        home.note("demo", "after the renewal"); // replication with renewed client certificates still works
        home.awaitNote("demo", pod(2).path("port").asInt(), "after the renewal");
    }

    @Test
    void noPrivateKeyOrPasswordFileIsReadableByAnyoneButItsOwner() throws Exception {
        List<Path> secrets = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home.cluster("demo"))) {
            files.filter(Files::isRegularFile).filter(f -> {
                String name = f.getFileName().toString();
                return name.endsWith(".key") || name.endsWith("pgpass") || name.endsWith("password")
                        || name.equals("api-token");
            }).forEach(secrets::add);
        }
        assertThat(secrets).extracting(f -> f.getFileName().toString())
                .contains("ca.key", "server.key", "replication.key", "pgpass", "superuser-password", "api-token");
        for (Path file : secrets) {
            assertThat(Files.getPosixFilePermissions(file)).as(file.toString())
                    .isSubsetOf(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        assertThat(Files.getPosixFilePermissions(home.cluster("demo").resolve("secrets")))
                .as("secrets/").isSubsetOf(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE));
    }

    @Test
    void withTlsOffUpWarnsPlainlyAndConnectionsAreNotEncrypted() throws Exception {
        try (PgsetHome plain = PgsetHome.create()) {
            Path file = plain.specFile("""
                    instances: 1
                    tls: {enabled: false}
                    """);
            PgsetHome.Result up = plain.pgset("up", "-f", file.toString()).ok();
            assertThat(up.out()).contains("WARNING: cluster demo runs without TLS");
            assertThat(plain.status("demo").path("services").path("rw").path("uri").asText()).endsWith("?sslmode=disable");
            try (Connection c = plain.connect("demo", plain.servicePort("demo", "rw")); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isFalse();
            }
        }
    }

    private JsonNode pod(int ordinal) throws Exception {
        return home.pod("demo", ordinal);
    }

    /** A verify-full connection as the app user, with one property changed. */
    private void connect(int port, String property, String value) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "app");
        props.setProperty("password", home.secret("demo", "app-password"));
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", home.cluster("demo").resolve("secrets/ca.crt").toString());
        props.setProperty("connectTimeout", "3");
        props.setProperty(property, value);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", props)) {
            c.createStatement().execute("SELECT 1");
        }
    }

    /** The serial of the certificate the server presents to a new TLS connection (as openssl prints it). */
    private String servedSerial(int port) throws Exception {
        Process client = new ProcessBuilder("openssl", "s_client", "-starttls", "postgres", "-connect", "127.0.0.1:" + port,
                "-CAfile", home.cluster("demo").resolve("secrets/ca.crt").toString(), "-verify_return_error")
                .redirectErrorStream(true).start();
        client.getOutputStream().close();
        String session = new String(client.getInputStream().readAllBytes());
        client.waitFor();
        assertThat(session).contains("Verify return code: 0 (ok)");
        Process x509 = new ProcessBuilder("openssl", "x509", "-noout", "-serial").start();
        x509.getOutputStream().write(session.getBytes());
        x509.getOutputStream().close();
        String serial = new String(x509.getInputStream().readAllBytes()).strip();
        assertThat(x509.waitFor()).isZero();
        return serial;
    }

    private String psql(String uri, String sql) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/lib/postgresql/15/bin/psql", uri, "-Atc", sql).redirectErrorStream(true);
        pb.environment().put("PGPASSFILE", home.cluster("demo").resolve("secrets/pgpass").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
