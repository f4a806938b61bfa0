package io.pgset.instance;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/** Opens superuser connections to a postgres of the cluster over TCP with SCRAM, over verified TLS when it is on. */
final class PostgresSession {

    private final String host;
    private final int port;
    private final String password;
    private final Supplier<Optional<Path>> rootCertificate;

    /** @param rootCertificate the CA to verify the server against (TLS, verify-full); empty for no TLS */
    PostgresSession(String host, int port, String password, Supplier<Optional<Path>> rootCertificate) {
        this.host = host;
        this.port = port;
        this.password = password;
        this.rootCertificate = rootCertificate;
    }

    Connection open(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "pgset-instance");
        Optional<Path> ca = rootCertificate.get();
        if (ca.isPresent()) {
            props.setProperty("sslmode", "verify-full");
            props.setProperty("sslrootcert", ca.get().toString());
        } else {
            props.setProperty("sslmode", "disable");
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
    }
}
