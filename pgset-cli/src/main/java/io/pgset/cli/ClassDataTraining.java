package io.pgset.cli;

import io.pgset.core.model.InstanceStatus;
import io.pgset.core.spec.SpecReader;
import io.pgset.core.tls.CertificateAuthority;
import io.pgset.instance.ApiConnections;
import io.pgset.instance.ApiServer;
import io.pgset.instance.ApiTls;
import io.pgset.instance.InstanceApi;
import io.pgset.instance.InstanceHttpClient;
import io.pgset.instance.InstanceManager;
import io.pgset.instance.InstanceOptions;
import io.pgset.instance.LocalApiSockets;
import io.pgset.instance.LogLimits;
import io.pgset.instance.RollingLog;
import io.pgset.instance.Secrets;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The training run of the build's class-data sharing archives (see the pgset-cli pom): the build
 * runs this with {@code -XX:DumpLoadedClassList}, and the classes it loads are archived, so that
 * pgset's JVMs map them instead of parsing and verifying them again. It walks the paths those JVMs
 * take at start, without a real postgres: the command line, a spec, the cluster CA and
 * certificates, the TLS API server and its client, the same over a local socket, JSON, a JDBC session with a stand-in server, a
 * child process, the rolling log. Its argument names whose archive it trains ({@link Role}): each
 * JVM maps its archive whole, so a class only another role loads would cost it memory for nothing.
 * Not a user command.
 */
public final class ClassDataTraining {

    /** Whose archive a run trains. */
    enum Role {
        /** {@code pgset.jsa}: the command line, which may take any path (every command's help, JDBC too). */
        CLI,
        /** {@code pgset-daemon-controller.jsa}: the controller, which never opens a postgres session. */
        CONTROLLER,
        /** {@code pgset-daemon-instance.jsa}: an instance manager. */
        INSTANCE
    }

    private ClassDataTraining() {}

    public static void main(String[] args) throws Exception {
        Role role = args.length == 0 ? Role.CLI : Role.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        Path dir = Files.createTempDirectory("pgset-training");
        try {
            train(dir, role);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void train(Path dir, Role role) throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true);
        switch (role) { // the command line as each reads it: a daemon's without picocli (DaemonCommandLine)
            case CLI -> {
                Main.run(quiet, quiet, false, "--help");
                Main.run(quiet, quiet, false, "status", "--help");
            }
            case CONTROLLER -> DaemonCommandLine.parse(new Main(quiet, quiet, false), "controller", "--home=" + dir,
                    "--cluster=training", "--cluster-dir=" + dir).orElseThrow();
            case INSTANCE -> DaemonCommandLine.parse(new Main(quiet, quiet, false), "instance", "--home=" + dir,
                    "--cluster=training", "--ordinal=0", "--port=5432", "--api-port=8008", "--upstream=127.0.0.1:5433",
                    "--pod-dir=" + dir).orElseThrow();
        }

        String yaml = SpecReader.write(SpecReader.defaults("training"));
        SpecReader.read(yaml);

        // as an instance manager starts: the CA read back from its PEM files (key checked against it)
        CertificateAuthority created = CertificateAuthority.create("training", Instant.now());
        CertificateAuthority ca = CertificateAuthority.fromPem(created.certificatePem(), created.privateKeyPem());
        Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        CertificateAuthority.parsePrivateKey(ca.issueClient("training", Duration.ofDays(1), Instant.now()).privateKeyPem());
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        LocalApiSockets sockets = new LocalApiSockets(dir.resolve("sockets"));
        ApiServer api = new ApiServer("127.0.0.1", 0, "token", "training", tls.context()).serveLocally(sockets);
        api.secured("GET", "/status", body -> ApiServer.Response.json(InstanceStatus.unreachable("training-0", "training")));
        api.start();
        try {
            callApi(new InstanceHttpClient("token", ApiTls.client(caFile)), api.port(), "training");
            // and as pgset's own processes call each other: on the local socket
            javax.net.ssl.SSLContext trust = ApiTls.client(caFile);
            callApi(new InstanceHttpClient(new ApiConnections("token", () -> trust, Optional.of(sockets))), api.port(),
                    "training");
            if (role != Role.CONTROLLER) {
                refusedConnection(api.port(), caFile);
                refusedLocalConnection(dir);
            }
        } finally {
            api.close();
        }
        if (role != Role.CONTROLLER) {
            try (TrainingPostgres postgres = new TrainingPostgres(tls.context(), "training")) {
                connect(postgres.port(), caFile);
            }
        }
        if (role == Role.INSTANCE) {
            instanceManager(dir, created);
        }

        new ProcessBuilder("true").redirectErrorStream(true).start().waitFor();
        org.slf4j.LoggerFactory.getLogger("pgset.training").debug("trained");
        RollingLog.redirectStandardStreams(dir.resolve("training.log"), LogLimits.DEFAULT);
        System.out.println("trained");
    }

    /**
     * An instance manager as one is made at start, its API served and asked for its status, then
     * closed: pgset's own classes of an instance manager, about 200, which would otherwise load
     * from the jar at each start, on the path to initdb or a clone. It is not started: that takes
     * postgres; what only a running instance loads (bootstrap, clone, rewind) still loads from the jar.
     */
    private static void instanceManager(Path dir, CertificateAuthority ca) throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        for (String secret : List.of(Secrets.SUPERUSER_PASSWORD, Secrets.REPLICATION_PASSWORD, Secrets.APP_PASSWORD,
                Secrets.API_TOKEN)) {
            Files.writeString(secrets.resolve(secret), "training\n");
        }
        Files.writeString(secrets.resolve("ca.crt"), ca.certificatePem());
        Files.writeString(secrets.resolve("ca.key"), ca.privateKeyPem());
        InstanceOptions options = InstanceOptions.local(SpecReader.defaults("training"), 0, "127.0.0.1", 0, 0,
                Files.createDirectories(dir.resolve("volume")), secrets, Optional.empty(), true, Optional.empty());
        InstanceManager manager = new InstanceManager(options, Clock.systemUTC());
        try {
            LocalApiSockets sockets = new LocalApiSockets(dir.resolve("sockets"));
            ApiServer api = InstanceApi.serve(manager, options, Optional.of(sockets));
            try {
                callApi(new InstanceHttpClient("training", ApiTls.client(dir.resolve("ca.crt"))), api.port(),
                        manager.status().message());
                javax.net.ssl.SSLContext trust = ApiTls.client(dir.resolve("ca.crt"));
                callApi(new InstanceHttpClient(new ApiConnections("training", () -> trust, Optional.of(sockets))),
                        api.port(), manager.status().message());
            } finally {
                api.close();
            }
        } finally {
            manager.close();
        }
    }

    /**
     * A status call to the API; on a very busy machine it may time out, and a few more tries are
     * enough. Without an answer the archive lacks some classes (they load from the jar): the build
     * goes on and says so.
     */
    private static void callApi(InstanceHttpClient client, int port, String expected) {
        String answer = "";
        for (int attempt = 0; attempt < 5 && !expected.equals(answer); attempt++) {
            answer = client.status("training-0", "127.0.0.1", port).message();
        }
        if (!expected.equals(answer)) {
            System.err.println("warning: the training API did not answer (" + answer + "); the class-data archive"
                    + " lacks some of the classes of an answer");
        }
    }

    /** The driver's connection path up to the server's refusal (the API speaks HTTP, not postgres). */
    private static void refusedConnection(int port, Path caFile) {
        try {
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", connection(caFile)).close();
        } catch (SQLException expected) {
            // what is archived is the path, not the outcome
        }
    }

    /**
     * The driver's path onto a postgres Unix socket (an instance manager's own sessions) up to the
     * refusal of a socket that is not there.
     */
    private static void refusedLocalConnection(Path dir) {
        Properties props = connection(dir.resolve("no-ca.crt"));
        props.setProperty("sslmode", "disable");
        props.setProperty("socketFactory", io.pgset.instance.PostgresSocketFactory.class.getName());
        props.setProperty("socketFactoryArg", dir.resolve(".s.PGSQL.5432").toString());
        try {
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", props).close();
        } catch (SQLException expected) {
            // what is archived is the path, not the outcome
        }
    }

    /**
     * The path of an instance manager's connections, to a server that speaks enough of postgres's
     * protocol ({@link TrainingPostgres}): TLS verified against the CA, SCRAM, a prepared query read
     * back, a statement. Without an answer the archive lacks the driver's classes of a session (they
     * load from the jar): the build goes on and says so.
     */
    private static void connect(int port, Path caFile) {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", connection(caFile));
             var ps = c.prepareStatement("SELECT ?")) {
            ps.setString(1, "training");
            try (var rs = ps.executeQuery()) {
                rs.next();
                rs.getString(1);
                rs.getLong(1);
                rs.getBoolean(1);
            }
            try (var s = c.createStatement()) {
                s.execute("SET synchronous_commit = local");
            }
        } catch (SQLException | RuntimeException e) {
            System.err.println("warning: the training's postgres session failed (" + e.getMessage() + "); the"
                    + " class-data archive lacks some of the JDBC driver's classes");
        }
    }

    /** The properties an instance manager connects with (see PostgresSession in pgset-instance). */
    private static Properties connection(Path caFile) {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "training");
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "pgset-instance");
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", caFile.toString());
        return props;
    }
}
