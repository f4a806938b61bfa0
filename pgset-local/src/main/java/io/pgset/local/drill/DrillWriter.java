package io.pgset.local.drill;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Inserts sequential ids through the rw service, one per transaction, and records the moment each
 * insert was acknowledged. An insert that fails is not acknowledged (its fate is unknown to the
 * client) and its id is not used again.
 */
final class DrillWriter implements Runnable {

    private final String url;
    private final Properties props;
    /** id -> nanoTime of its acknowledgement. */
    final ConcurrentSkipListMap<Long, Long> acknowledged = new ConcurrentSkipListMap<>();
    private volatile boolean stopping;
    private long nextId = 1;

    DrillWriter(String host, int port, String database, String user, String password, Optional<Path> ca) {
        this.url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        this.props = properties(user, password, ca, "pgset-drill", 2, 10);
    }

    /** Connection properties for the drill's clients: verify-full against the cluster CA when TLS is on. */
    static Properties properties(String user, String password, Optional<Path> ca, String application,
                                 int connectTimeout, int socketTimeout) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", Integer.toString(connectTimeout));
        props.setProperty("socketTimeout", Integer.toString(socketTimeout));
        props.setProperty("sslmode", ca.isPresent() ? "verify-full" : "disable");
        ca.ifPresent(file -> props.setProperty("sslrootcert", file.toString()));
        props.setProperty("ApplicationName", application);
        return props;
    }

    static void createTable(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pgset_drill");
            s.execute("CREATE TABLE pgset_drill (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, props);
    }

    @Override
    public void run() {
        while (!stopping) {
            try (Connection c = connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO pgset_drill (id) VALUES (?)")) {
                while (!stopping) {
                    long id = nextId++;
                    insert.setLong(1, id);
                    insert.executeUpdate();
                    acknowledged.put(id, System.nanoTime());
                }
            } catch (SQLException e) {
                pause(); // the primary is gone or moving: reconnect through rw
            }
        }
    }

    void stop() {
        stopping = true;
    }

    /** The latest acknowledgement at or before {@code nanos}, or 0. */
    long lastAckBefore(long nanos) {
        return acknowledged.values().stream().filter(t -> t <= nanos).mapToLong(Long::longValue).max().orElse(0);
    }

    /** The first acknowledgement after {@code nanos}, or 0. */
    long firstAckAfter(long nanos) {
        return acknowledged.values().stream().filter(t -> t > nanos).mapToLong(Long::longValue).min().orElse(0);
    }

    /**
     * The longest time between consecutive acknowledgements from {@code from} to {@code to}
     * (nanoTimes, both those of acknowledgements). Ids are written in order by one thread, so the
     * map's values are in time order.
     */
    long longestPause(long from, long to) {
        long longest = 0;
        long previous = from;
        for (long at : acknowledged.values()) {
            if (at <= from) {
                continue;
            }
            if (at > to) {
                break;
            }
            longest = Math.max(longest, at - previous);
            previous = at;
        }
        return longest;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
