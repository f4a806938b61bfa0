package io.pgset.instance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens superuser connections to the instance's own postgres over loopback TCP with SCRAM. */
final class PostgresSession {

    private final String host;
    private final int port;
    private final String password;

    PostgresSession(String host, int port, String password) {
        this.host = host;
        this.port = port;
        this.password = password;
    }

    Connection open(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "pgset-instance");
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
    }
}
