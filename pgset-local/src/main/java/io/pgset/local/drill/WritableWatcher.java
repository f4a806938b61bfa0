package io.pgset.local.drill;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Asks every instance, every few milliseconds, whether it accepts writes, and remembers the most
 * that ever did at once: anything above one is a split brain.
 */
final class WritableWatcher implements Runnable {

    /** An instance to watch. */
    record Target(String pod, String host, int port) {}

    private final Supplier<List<Target>> targets;
    private final Properties props;
    private final String database;
    private final Map<String, Connection> connections = new HashMap<>();
    private volatile boolean stopping;
    volatile int mostWritableAtOnce;
    volatile String splitBrain = "";

    WritableWatcher(Supplier<List<Target>> targets, String database, String user, String password,
                    Optional<Path> ca) {
        this.targets = targets;
        this.database = database;
        this.props = DrillWriter.properties(user, password, ca, "pgset-drill-watch", 1, 2);
    }

    @Override
    public void run() {
        while (!stopping) {
            int writable = 0;
            StringBuilder who = new StringBuilder();
            for (Target t : targets.get()) {
                if (acceptsWrites(t)) {
                    writable++;
                    who.append(t.pod()).append(' ');
                }
            }
            if (writable > mostWritableAtOnce) {
                mostWritableAtOnce = writable;
            }
            if (writable > 1) {
                splitBrain = who.toString().strip();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        connections.values().forEach(WritableWatcher::closeQuietly);
    }

    private boolean acceptsWrites(Target t) {
        String key = t.host() + ":" + t.port();
        try {
            Connection c = connections.get(key);
            if (c == null || c.isClosed()) {
                c = DriverManager.getConnection("jdbc:postgresql://" + key + "/" + database, props);
                connections.put(key, c);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery()")) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            closeQuietly(connections.remove(key));
            return false;
        }
    }

    void stop() {
        stopping = true;
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the instance is gone; nothing to close cleanly
        }
    }
}
