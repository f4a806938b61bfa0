package io.pgset.instance.metrics;

import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Samples an instance's figures every few seconds on its own thread, over its own connection to
 * postgres, and keeps the last round for scrapes to serve.
 *
 * <p>Why a sampler rather than queries at scrape time: a scrape then costs only the rendering of
 * figures already in memory (well under a millisecond), whatever postgres is doing and however
 * often it is scraped, and several scrapers cost postgres no more than one. Nothing here shares a
 * lock or a connection with the supervisor, which keeps postgres running; the sampler's
 * connection has a short {@code statement_timeout}, so a postgres that hangs delays only the next
 * round. The price is figures up to {@link #EVERY} old, which is below any scrape interval worth
 * having; {@code pgset_metrics_sample_timestamp_seconds} says how old they are.
 */
final class MetricsSampler implements AutoCloseable {

    /** Between two rounds. */
    static final Duration EVERY = Duration.ofSeconds(5);
    /** Any one statistics query; a round runs at most a handful. */
    static final String STATEMENT_TIMEOUT = "1s";

    /**
     * Where a round's figures come from.
     *
     * @param appDatabase the cluster's application database, where pg_stat_statements is created too
     */
    record Sources(Supplier<InstanceStatus> status, InstanceMetrics.Connections connections, String appDatabase,
                   ProcessTree processes) {}

    private final Sources sources;
    private final Consumer<String> warn;
    private final SectionFailures failures;
    private final ScheduledExecutorService executor;
    private volatile InstanceSample latest;
    private Connection connection;
    /** pg_stat_statements was created, or found, over the current connection. */
    private boolean statementsChecked;

    MetricsSampler(String pod, Sources sources, Consumer<String> warn) {
        this.sources = sources;
        this.warn = warn;
        this.failures = new SectionFailures((section, why) -> warn.accept("metrics: reading " + section
                + " failed, its figures are left out until it works: " + why));
        this.latest = InstanceSample.none(pod);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "metrics-" + pod);
            t.setDaemon(true);
            return t;
        });
    }

    /** Samples every {@link #EVERY}, the first time {@link #EVERY} from now (see {@link #soon}). */
    void start() {
        executor.scheduleWithFixedDelay(this::sampleGuarded, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Samples once, now, between the periodic rounds: when postgres has just started. */
    void soon() {
        executor.execute(this::sampleGuarded);
    }

    /** The last round's figures; never blocks. */
    InstanceSample latest() {
        return latest;
    }

    private void sampleGuarded() {
        try {
            sample();
        } catch (RuntimeException e) {
            warn.accept("metrics: sampling failed, trying again in " + EVERY.toSeconds() + " s: " + e);
        }
    }

    /** One round: status, postgres's views, the process tree. */
    void sample() {
        long began = System.currentTimeMillis();
        long start = System.nanoTime();
        InstanceStatus status = sources.status().get();
        PostgresSample postgres = status.postgresPid() > 0 ? postgres(status) : PostgresSample.DOWN;
        ProcessTree.Usage process = sources.processes().read(status.postgresPid());
        long capacity = status.storage().capacityBytes();
        latest = new InstanceSample(status, postgres, process, capacity, began, (System.nanoTime() - start) / 1e9);
    }

    private PostgresSample postgres(InstanceStatus status) {
        try {
            Connection c = connection();
            if (!statementsChecked && status.role() == Role.PRIMARY) {
                statementsChecked = failures.guard("pg_stat_statements (creating the extension)", false,
                        () -> StatementsExtension.ensure(c) && ensureInAppDatabase());
            }
            return PostgresQueries.read(c, failures);
        } catch (SQLException e) {
            closeConnection(); // postgres restarted or stopped: a new connection next round
            return PostgresSample.DOWN;
        }
    }

    private boolean ensureInAppDatabase() throws SQLException {
        try (Connection app = sources.connections().open(sources.appDatabase())) {
            return StatementsExtension.ensure(app);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection c = sources.connections().open("postgres");
            try (Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = '" + STATEMENT_TIMEOUT + "'");
                s.execute("SET lock_timeout = '" + STATEMENT_TIMEOUT + "'");
                s.execute("SET application_name = 'pgset-metrics'");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
            statementsChecked = false;
        }
        return connection;
    }

    private void closeConnection() {
        try (Connection dropped = connection) {
            connection = null; // dropped because it failed, or because the sampler stops
        } catch (SQLException ignored) {
            // a connection that fails to close is gone all the same
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
