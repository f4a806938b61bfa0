package io.pgset.cli;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Write load on a cluster's rw service, in a thread of its own: one row per transaction into
 * {@code table (id bigint primary key)}, each id recorded once postgres acknowledged its commit.
 * A commit that failed may or may not be there, and either is fine; an acknowledged one must be.
 */
final class RowWriter implements AutoCloseable {

    final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final PgsetHome home;
    private final String cluster;
    private final String table;
    private final Thread thread;

    private RowWriter(PgsetHome home, String cluster, String table) {
        this.home = home;
        this.cluster = cluster;
        this.table = table;
        this.thread = new Thread(this::write, "row-writer-" + table);
    }

    static RowWriter start(PgsetHome home, String cluster, String table) {
        RowWriter writer = new RowWriter(home, cluster, table);
        writer.thread.start();
        return writer;
    }

    private void write() {
        long id = 1;
        while (running.get()) {
            try (Connection c = home.connect(cluster, home.servicePort(cluster, "rw"));
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY)");
                for (; running.get(); id++) {
                    s.executeUpdate("INSERT INTO " + table + " VALUES (" + id + ")");
                    acknowledged.add(id);
                }
            } catch (Exception e) {
                id++; // never acknowledged; the next connection goes on with a fresh id
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    /** Stops writing and waits for the thread, so that {@link #acknowledged} no longer changes. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
