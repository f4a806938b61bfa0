package io.pgset.kubernetes.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Inserts numbered rows, one transaction each, through whatever address {@code primary} gives
 * (the -rw Service's endpoint), reconnecting after a failure; remembers every row whose commit was
 * acknowledged and the longest time between two acknowledged commits (the write gap).
 */
final class WriteLoad implements AutoCloseable {

    interface Connector {
        Connection connect(String address) throws SQLException;
    }

    private final Supplier<List<String>> primary;
    private final Connector connector;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private final long firstId;

    /** @param firstId the first row id it writes; each load of one table needs its own range */
    WriteLoad(long firstId, Supplier<List<String>> primary, Connector connector) {
        this.firstId = firstId;
        this.primary = primary;
        this.connector = connector;
        this.thread = new Thread(this::run, "write-load");
    }

    void start() {
        thread.start();
    }

    private void run() {
        long next = firstId;
        long lastAck = System.nanoTime();
        while (!stopping) {
            List<String> addresses = primary.get();
            if (addresses.size() != 1) {
                pause();
                continue;
            }
            try (Connection connection = connector.connect(addresses.get(0));
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO e2e VALUES (?, 'write load')")) {
                while (!stopping) {
                    insert.setLong(1, next);
                    insert.executeUpdate();
                    acknowledged.add(next++);
                    long now = System.nanoTime();
                    longestGapNanos.accumulateAndGet(now - lastAck, Math::max);
                    lastAck = now;
                }
            } catch (SQLException e) {
                next++; // its outcome is unknown: never reuse the number
                pause();
            } catch (RuntimeException e) {
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Set<Long> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    long longestGapMillis() {
        return longestGapNanos.get() / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(30_000);
    }
}
