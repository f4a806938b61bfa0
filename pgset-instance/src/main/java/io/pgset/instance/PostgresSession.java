package io.pgset.instance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Opens superuser connections to a postgres of the cluster with SCRAM: over TCP, with verified TLS
 * when it is on, or on the instance's own Unix socket when it has one (see {@link PostgresSocket}).
 */
final class PostgresSession {

    private final String host;
    private final int port;
    private final String password;
    private final Supplier<Optional<Path>> rootCertificate;
    private final Optional<Path> socket;

    /** @param rootCertificate the CA to verify the server against (TLS, verify-full); empty for no TLS */
    PostgresSession(String host, int port, String password, Supplier<Optional<Path>> rootCertificate) {
        this(host, port, password, rootCertificate, Optional.empty());
    }

    /**
     * @param socket the Unix socket of this postgres, used instead of TCP whenever its file is there
     *               (postgres makes it as it starts to listen, and an instance started before it had
     *               one has none)
     */
    PostgresSession(String host, int port, String password, Supplier<Optional<Path>> rootCertificate,
                    Optional<Path> socket) {
        this.host = host;
        this.port = port;
        this.password = password;
        this.rootCertificate = rootCertificate;
        this.socket = socket;
    }

    /**
     * Whether this postgres is to have a Unix socket that is not there yet: as it starts, postgres
     * listens on TCP a moment before it makes its socket.
     */
    boolean socketPending() {
        return socket.isPresent() && !Files.exists(socket.get());
    }

    Connection open(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "pgset-instance");
        Optional<Path> local = socket.filter(Files::exists);
        Optional<Path> ca = local.isPresent() ? Optional.empty() : rootCertificate.get();
        if (local.isPresent()) {
            props.setProperty("socketFactory", PostgresSocketFactory.class.getName());
            props.setProperty("socketFactoryArg", local.get().toString());
            props.setProperty("sslmode", "disable");
        } else if (ca.isPresent()) {
            props.setProperty("sslmode", "verify-full");
            props.setProperty("sslrootcert", ca.get().toString());
        } else {
            props.setProperty("sslmode", "disable");
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
    }
}
