package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secure from the start: TLS and SCRAM only, no secret in argv, environment or logs, non-root postgres,
 * token-guarded TLS APIs, and owner-only local sockets for pgset's own calls.
 */
class SecurityIT extends SharedCluster {

    private HttpClient http;

    @BeforeAll
    void trustTheClusterCa() throws Exception {
        http = HttpClient.newBuilder()
                .sslContext(io.pgset.instance.ApiTls.client(home.cluster("demo").resolve("secrets/ca.crt"))).build();
    }

    @Test
    void postgresNeverRunsAsRoot() {
        List<ProcessHandle> postmasters = home.processes().stream()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false)).toList();
        assertThat(postmasters).hasSize(3);
        for (ProcessHandle p : postmasters) {
            assertThat(p.info().user()).as("owner of postgres pid %d", p.pid()).isPresent().get().isNotEqualTo("root");
        }
    }

    @Test
    void haproxyRelaysAsNobody() throws Exception {
        long master = Long.parseLong(Files.readString(home.cluster("demo").resolve("haproxy/pid")).strip());
        List<ProcessHandle> workers = ProcessHandle.of(master).orElseThrow().children().toList();
        assertThat(workers).as("HAProxy's workers").isNotEmpty();
        for (ProcessHandle worker : workers) {
            assertThat(Files.readAllLines(Path.of("/proc", Long.toString(worker.pid()), "status")))
                    .as("worker %d", worker.pid()).anyMatch(l -> l.matches("Uid:\\s+65534\\s+65534\\s+65534\\s+65534"));
        }
    }

    @Test
    void everyHbaRuleAsksForTlsAndScramOrAReplicationCertificate() throws Exception {
        for (int i = 0; i < 3; i++) {
            Path volume = home.cluster("demo").resolve("volumes/data-demo-" + i);
            List<String> all = Files.readAllLines(volume.resolve("pgdata/pg_hba.conf"))
                    .stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            // the instance manager's own socket: the superuser only, with its password, in a directory
            // only the postgres user may enter
            assertThat(all).filteredOn(rule -> rule.startsWith("local ")).singleElement()
                    .satisfies(rule -> assertThat(rule.split("\\s+")).containsExactly("local", "all", "postgres",
                            "scram-sha-256"));
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(volume.resolve("socket")))).isEqualTo("rwx------");
            assertThat(Files.getOwner(volume.resolve("socket"))).isEqualTo(Files.getOwner(volume.resolve("pgdata")));
            List<String> rules = all.stream().filter(rule -> !rule.startsWith("local ")).toList();
            assertThat(rules).isNotEmpty().allSatisfy(rule -> assertThat(rule).startsWith("hostssl "));
            assertThat(rules).filteredOn(rule -> !rule.contains(" replication ")).isNotEmpty()
                    .allSatisfy(rule -> assertThat(rule).endsWith("scram-sha-256"));
            assertThat(rules).filteredOn(rule -> rule.contains(" replication ")).isNotEmpty()
                    .allSatisfy(rule -> assertThat(rule).contains("pgset_replication").endsWith("cert"));
            assertThat(String.join("\n", all)).doesNotContain("trust", "peer", "md5");
        }
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/lib/postgresql/15/bin/psql", "-h", "127.0.0.1", "-p",
                Integer.toString(home.servicePort("demo", "rw")), "-U", "app", "-d", "app", "-c", "select 1")
                .redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", "not-the-password");
        Process psql = pb.start();
        String output = new String(psql.getInputStream().readAllBytes());
        assertThat(psql.waitFor()).isNotZero();
        assertThat(output).contains("password authentication failed");
    }

    @Test
    void secretsAppearInNoCommandLineEnvironmentOrLog() throws Exception {
        List<String> secrets = new ArrayList<>();
        for (String name : List.of("superuser-password", "replication-password", "app-password", "api-token")) {
            secrets.add(home.secret("demo", name));
        }
        for (ProcessHandle p : home.processes()) {
            // The whole command line: ProcessHandle shows only its first 4 KiB.
            Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
            String argv = Files.exists(cmdline) ? new String(Files.readAllBytes(cmdline)).replace('\0', ' ') : "";
            String environ = Files.exists(Path.of("/proc", Long.toString(p.pid()), "environ"))
                    ? Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ")).replace('\0', '\n') : "";
            for (String secret : secrets) {
                assertThat(argv).as("argv of pid %d", p.pid()).doesNotContain(secret);
                assertThat(environ).as("environment of pid %d", p.pid()).doesNotContain(secret);
            }
        }
        try (Stream<Path> files = Files.walk(home.cluster("demo"))) {
            // Every log file: pgset's (log, log.1, ...) and postgres's own (pglog/ on each volume).
            for (Path log : files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString()
                    .matches(".*log(\\.\\d+)?") || f.getParent().getFileName().toString().equals("pglog")).toList()) {
                String text = Files.readString(log);
                for (String secret : secrets) {
                    assertThat(text).as(log.toString()).doesNotContain(secret);
                }
            }
        }
    }

    @Test
    void apisListenOnLoopbackAndRequireTheToken() throws Exception {
        JsonNode controller = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile());
        List<Integer> apiPorts = new ArrayList<>(List.of(controller.path("apiPort").asInt()));
        for (int i = 0; i < 3; i++) {
            apiPorts.add(PgsetHome.JSON.readTree(home.cluster("demo").resolve("pods/demo-" + i + "/ports.json").toFile())
                    .path("api").asInt());
        }
        String token = home.secret("demo", "api-token");
        for (int port : apiPorts) {
            assertThat(get(port, "/status", null)).as("no token on %d", port).isEqualTo(401);
            assertThat(get(port, "/status", "wrong")).as("wrong token on %d", port).isEqualTo(401);
            assertThat(get(port, "/status", token)).as("token on %d", port).isEqualTo(200);
            assertThat(listeners(port)).as("listening addresses of %d", port).containsOnly("0100007F");
        }
        // Only TLS (with the cluster CA's certificate) is spoken: plain HTTP gets no answer.
        HttpClient plain = HttpClient.newHttpClient();
        for (int port : apiPorts) {
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()))
                    .as("plain HTTP on %d", port).isInstanceOf(java.io.IOException.class);
        }
        // Probes answer without a token (a kubelet has none) but only say ok or why not.
        assertThat(get(apiPorts.get(1), "/readyz", null)).isEqualTo(200);
        assertThat(get(apiPorts.get(1), "/metrics", null)).isEqualTo(401);
    }

    /**
     * pgset's own processes call each other's APIs on local sockets that only the cluster's owner
     * may use, with the token still required there, and keep no TCP connection to those ports.
     */
    @Test
    void pgsetsOwnCallsGoOverOwnerOnlyLocalSockets() throws Exception {
        Path cluster = home.cluster("demo");
        List<Integer> apiPorts = new ArrayList<>(List.of(PgsetHome.JSON.readTree(cluster.resolve("controller.json")
                .toFile()).path("apiPort").asInt()));
        List<Long> daemons = new ArrayList<>(List.of(PgsetHome.JSON.readTree(cluster.resolve("controller.json")
                .toFile()).path("pid").asLong()));
        for (int i = 0; i < 3; i++) {
            apiPorts.add(PgsetHome.JSON.readTree(cluster.resolve("pods/demo-" + i + "/ports.json").toFile())
                    .path("api").asInt());
            daemons.add(Long.parseLong(Files.readString(cluster.resolve("pods/demo-" + i + "/pid")).strip()));
        }
        io.pgset.instance.LocalApiSockets sockets = new io.pgset.instance.LocalApiSockets(cluster.resolve("sockets"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sockets.dir())))
                .isEqualTo("rwx------");
        java.util.function.Supplier<javax.net.ssl.SSLContext> noTls = () -> {
            throw new AssertionError("TLS was used although the local socket serves");
        };
        String token = home.secret("demo", "api-token");
        for (int port : apiPorts) {
            Path socket = sockets.path(port);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                    .as(socket.toString()).isEqualTo("rw-------");
            var local = new io.pgset.instance.ApiConnections(token, noTls, java.util.Optional.of(sockets));
            assertThat(local.send("GET", "127.0.0.1", port, "/status", new byte[0], java.time.Duration.ofSeconds(5))
                    .status()).as("token on the socket of %d", port).isEqualTo(200);
            var wrong = new io.pgset.instance.ApiConnections("wrong", noTls, java.util.Optional.of(sockets));
            assertThat(wrong.send("GET", "127.0.0.1", port, "/status", new byte[0], java.time.Duration.ofSeconds(5))
                    .status()).as("wrong token on the socket of %d", port).isEqualTo(401);
        }
        // the controller polls every instance several times a second: had it used TCP, it would show
        org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(1)).atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> {
                    for (int port : apiPorts) {
                        assertThat(tcpClients(port)).as("pgset processes connected to %d over TCP", port)
                                .doesNotContainAnyElementsOf(daemons);
                    }
                });
    }

    /**
     * Each instance manager's sessions to its own postgres are on the postgres socket in its volume,
     * the first one (made while postgres starts, when TCP listens a moment before the socket is
     * there) included: none of them over TCP, which would have cost a TLS handshake on both sides.
     */
    @Test
    void instanceManagersTalkToTheirOwnPostgresOnItsSocket() throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", home.secret("demo", "superuser-password"));
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", home.cluster("demo").resolve("secrets/ca.crt").toString());
        for (int i = 0; i < 3; i++) {
            int port = PgsetHome.JSON.readTree(home.cluster("demo").resolve("pods/demo-" + i + "/ports.json").toFile())
                    .path("postgres").asInt();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port
                    + "/postgres", props); java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE client_addr IS NULL),"
                         + " count(*) FILTER (WHERE client_addr IS NOT NULL) FROM pg_stat_activity"
                         + " WHERE application_name = 'pgset-instance'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("demo-%d's instance manager's sessions on the socket", i).isPositive();
                assertThat(rs.getLong(2)).as("demo-%d's instance manager's sessions over TCP", i).isZero();
            }
        }
    }

    /** The pids of the processes with an established TCP connection to this loopback port. */
    private static List<Long> tcpClients(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Htnp", "state", "established", "( dport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ss.waitFor()).as(out).isZero();
        List<Long> pids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(out);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    /** A lenient read made a missing port 0 and a missing slot list "drop every slot". */
    @Test
    void actionsRefuseABadBodyBeforeDoingAnything() throws Exception {
        String token = home.secret("demo", "api-token");
        for (int i = 0; i < 3; i++) {
            int api = PgsetHome.JSON.readTree(home.cluster("demo").resolve("pods/demo-" + i + "/ports.json").toFile())
                    .path("api").asInt();
            HttpResponse<String> follow = send(api, "POST", "/follow", "{\"host\": \"127.0.0.1\"}", token);
            assertThat(follow.statusCode()).as("POST /follow without a port to demo-%d", i).isEqualTo(400);
            assertThat(follow.body()).contains("port: required, an integer 1-65535");
            HttpResponse<String> slots = send(api, "PUT", "/slots", "{}", token);
            assertThat(slots.statusCode()).as("PUT /slots without slots to demo-%d", i).isEqualTo(400);
            assertThat(slots.body()).contains("slots: required, an array of replication slot names");
        }
        assertThat(home.pgset("status", "demo").ok().out()).contains("Healthy");
    }

    private HttpResponse<String> send(int port, String method, String path, String body, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int get(int port, String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Local addresses (hex, as /proc/net/tcp writes them) listening on this port. */
    private static List<String> listeners(int port) throws Exception {
        String hexPort = String.format(":%04X", port);
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    String address = f[1].substring(0, f[1].indexOf(':'));
                    // Java may bind an IPv4 address as an IPv4-mapped IPv6 socket (::ffff:127.0.0.1).
                    addresses.add(address.startsWith("0000000000000000FFFF0000") ? address.substring(24) : address);
                }
            }
        }
        return addresses;
    }
}
