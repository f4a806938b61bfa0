package io.pgset.instance;

import io.pgset.core.config.HbaRenderer;
import io.pgset.core.model.ClusterSpec.InitdbSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * What a new cluster's first primary does once postgres accepts connections: the replication and
 * application roles, the application database, and the user's init SQL.
 *
 * <p>That bootstrap finished is recorded in the database itself, in the same transaction as the
 * init SQL, or last when there is none ({@value #SETTING} on the application database): the record
 * cannot be lost apart from the data, and a bootstrap killed half way is simply run again (roles
 * and database are created only when missing, and the init SQL's transaction never committed).
 *
 * <p>Passwords are set with the driver's {@code alterUserPassword}, which hashes them on this side
 * (SCRAM), so no plain password ever reaches postgres's logs or statement statistics.
 */
final class Bootstrap {

    private final PostgresSession session;
    private final InitdbSpec initdb;
    private final Secrets secrets;
    private final java.util.Optional<java.nio.file.Path> initSqlFile;

    /**
     * @param initSqlFile a script to run instead of {@code initdb.initSql()} (the Kubernetes init
     *                    ConfigMap, rendered from the same spec), run as one transaction
     */
    Bootstrap(PostgresSession session, InitdbSpec initdb, Secrets secrets,
              java.util.Optional<java.nio.file.Path> initSqlFile) {
        this.session = session;
        this.initdb = initdb;
        this.secrets = secrets;
        this.initSqlFile = initSqlFile;
    }

    /** A custom setting that only pgset sets; its value is when bootstrap finished. */
    static final String SETTING = "pgset.bootstrapped";

    /**
     * Runs bootstrap unless it finished before: the check, the roles and the database on {@code c},
     * a session to the {@code postgres} database that stays open (and as it was), the init SQL and
     * the record on a connection of its own to the new database (the record on {@code c} when there
     * is no init SQL).
     *
     * @param starting told just before bootstrap begins (not when it had finished)
     * @return whether it ran now
     */
    boolean ensure(Connection c, boolean legacyMarker, Runnable starting) throws SQLException, java.io.IOException {
        if (complete(c, legacyMarker)) {
            return false;
        }
        starting.run();
        List<String> statements = initSqlFile.isPresent() ? script(initSqlFile.get()) : initdb.initSql();
        createRolesAndDatabase(c);
        if (statements.isEmpty()) {
            // Nothing to run in the new database, so nothing to commit with the record: it goes on
            // this session, which saves opening one more (a new TLS and SCRAM exchange, 50-60 ms
            // in a freshly started instance manager, on the path of every new cluster).
            record(c);
            commitAsConfigured(c);
            return true;
        }
        commitAsConfigured(c);
        runInitSql(statements, initSqlFile.map(Object::toString).orElse("spec.bootstrap.initdb.initSql"));
        return true;
    }

    private static List<String> script(java.nio.file.Path file) throws java.io.IOException {
        String script = java.nio.file.Files.readString(file);
        return script.isBlank() ? List.of() : List.of(script);
    }

    /**
     * Whether bootstrap finished on this database: its record is there, or, for data bootstrapped
     * before the record existed, the volume had the old marker file (the record is then added).
     */
    private boolean complete(Connection c, boolean legacyMarker) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_db_role_setting s JOIN pg_database d"
                     + " ON d.oid = s.setdatabase WHERE s.setrole = 0 AND d.datname = ?"
                     + " AND EXISTS (SELECT 1 FROM unnest(s.setconfig) AS c WHERE c LIKE ?)")) {
            ps.setString(1, initdb.database());
            ps.setString(2, SETTING + "=%");
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return true;
                }
            }
            if (legacyMarker && exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", initdb.database())) {
                commitLocally(c);
                record(c);
                commitAsConfigured(c);
                return true;
            }
            return false;
        }
    }

    private void record(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + ident(initdb.database()) + " SET " + SETTING + " = '"
                    + java.time.Instant.now() + "'");
        }
    }

    private void createRolesAndDatabase(Connection c) throws SQLException {
        commitLocally(c);
        createRole(c, HbaRenderer.REPLICATION_USER, "LOGIN REPLICATION", secrets.replicationPassword());
        createRole(c, initdb.owner(), "LOGIN", secrets.appPassword());
        if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", initdb.database())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + ident(initdb.database()) + " OWNER " + ident(initdb.owner()));
            }
        }
    }

    private void runInitSql(List<String> statements, String source) throws SQLException {
        try (Connection c = session.open(initdb.database())) {
            commitLocally(c);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (int i = 0; i < statements.size(); i++) {
                    try {
                        s.execute(statements.get(i));
                    } catch (SQLException e) {
                        throw new SQLException(source + (initSqlFile.isEmpty() ? "[" + i + "]" : "") + " failed: "
                                + e.getMessage(), e);
                    }
                }
                record(c);
            }
            c.commit();
        }
    }

    /**
     * In sync mode the first primary has no standby yet to acknowledge anything; the database is
     * not served before bootstrap ends, so its commits need no standby's acknowledgement.
     */
    private static void commitLocally(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = local");
        }
    }

    /** Undoes {@link #commitLocally} on a session that goes on to other work. */
    private static void commitAsConfigured(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("RESET synchronous_commit");
        }
    }

    private static void createRole(Connection c, String role, String options, String password) throws SQLException {
        if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + ident(role) + " " + options);
            }
        }
        c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Names are validated by the spec reader ([a-z_][a-z0-9_]*); quoting keeps keywords safe. */
    private static String ident(String name) {
        return '"' + name + '"';
    }
}
