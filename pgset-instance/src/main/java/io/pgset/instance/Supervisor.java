package io.pgset.instance;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps one postgres alive: prepares its data ({@link DataDirectory}), writes its configuration,
 * starts it, bootstraps a new database, and waits for it to exit; then starts it again, unless it
 * was held or the instance stops. The loop never dies: a failed step is logged with its cause,
 * shown in the state, and tried again after a growing pause.
 *
 * <p>The instance's {@link Lifecycle.State} lives here and changes only through {@link #enter};
 * whatever changes postgres from outside (role changes, holds, reloads) holds {@link #gate}.
 */
final class Supervisor {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    /** Held while postgres is prepared and started, and while a role change alters it. */
    final Object gate = new Object();

    private final InstanceOptions options;
    private final Clock clock;
    private final InstanceLog log;
    private final DataDirectory data;
    private final PostgresProcess postgres;
    private final ConfigWriter config;
    private final VolumeUsage volume;
    private final Bootstrapper bootstrap;
    private final Secrets secrets;
    private final java.util.function.Function<InstanceOptions.Endpoint, PostgresSession> sessions;
    private final AtomicInteger restarts = new AtomicInteger();
    private final Thread thread;

    private final Lifecycle.Tracker state;
    /** Called on this thread each time postgres has started and runs; must return at once. */
    private final List<Runnable> whenRunning = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Takes the session that found postgres accepting connections (and bootstrap used), which would
     * otherwise be closed: a TLS handshake and a SCRAM exchange less on the way to ready.
     */
    private final java.util.function.Consumer<java.sql.Connection> firstSession;
    /** Whom to stream from; empty on a primary. */
    private volatile Optional<InstanceOptions.Endpoint> upstream;

    /** Runs bootstrap on a primary's data when it is not complete yet. */
    @FunctionalInterface
    interface Bootstrapper {
        /**
         * @param session a superuser session to the {@code postgres} database, to leave open
         * @return whether it had to bootstrap (false: it was complete already)
         */
        boolean ensure(java.sql.Connection session) throws SQLException, IOException;
    }

    Supervisor(InstanceOptions options, Clock clock, InstanceLog log, DataDirectory data, PostgresProcess postgres,
               ConfigWriter config, VolumeUsage volume, Bootstrapper bootstrap, Secrets secrets,
               java.util.function.Function<InstanceOptions.Endpoint, PostgresSession> sessions,
               java.util.function.Consumer<java.sql.Connection> firstSession) {
        this.sessions = sessions;
        this.firstSession = firstSession;
        this.options = options;
        this.clock = clock;
        this.log = log;
        this.data = data;
        this.postgres = postgres;
        this.config = config;
        this.volume = volume;
        this.bootstrap = bootstrap;
        this.secrets = secrets;
        this.upstream = options.upstream();
        this.state = new Lifecycle.Tracker(clock, new Lifecycle.State(Lifecycle.PREPARING, "starting", clock.instant()));
        this.thread = new Thread(this::superviseForever, "supervisor-" + options.pod());
    }

    void start() {
        thread.start();
    }

    /** Adds what to do, without blocking, each time postgres has started (or restarted) and runs. */
    void whenRunning(Runnable action) {
        whenRunning.add(action);
    }

    Lifecycle.State state() {
        return state.current();
    }

    /** Moves to another phase of life (never out of a hold or a stop; see {@link Lifecycle.Tracker}). */
    boolean enter(Lifecycle phase, String message) {
        return state.enter(phase, message);
    }

    /** Ends a hold; postgres starts again at the supervisor's next look. */
    boolean release(String message) {
        synchronized (gate) {
            boolean released = state.release(message);
            gate.notifyAll();
            return released;
        }
    }

    Optional<InstanceOptions.Endpoint> upstream() {
        return upstream;
    }

    void follow(Optional<InstanceOptions.Endpoint> primary) {
        upstream = primary;
    }

    int restarts() {
        return restarts.get();
    }

    private void superviseForever() {
        Duration backoff = FIRST_BACKOFF;
        while (state.current().phase() != Lifecycle.STOPPING) {
            try {
                if (!mayStart()) {
                    synchronized (gate) {
                        gate.wait(200);
                    }
                    continue;
                }
                lifeOfPostgres();
                backoff = FIRST_BACKOFF;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (DataDirectory.DataRefusedException e) {
                enter(Lifecycle.FAILED, e.getMessage());
                log.warn("refusing to start: " + e.getMessage());
                backoff = MAX_BACKOFF;
            } catch (Exception | Error e) { // the loop never dies: whatever failed is tried again
                failed(e);
            }
            if (!pause(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Whether postgres may be started now: not held, not stopping, and room on the volume. */
    private boolean mayStart() {
        Lifecycle phase = state.current().phase();
        if (phase == Lifecycle.HELD || phase == Lifecycle.STOPPING) {
            return false;
        }
        if (phase == Lifecycle.VOLUME_FULL) {
            if (volume.fullNow()) {
                enter(Lifecycle.VOLUME_FULL, "volume full: " + volume.describe() + "; postgres starts again once"
                        + " there is room (free space, or a larger volume)");
                return false;
            }
            log.info("the volume has room again (" + volume.describe() + "); starting postgres");
        }
        return true;
    }

    private void failed(Throwable e) {
        synchronized (gate) {
            Lifecycle phase = state.current().phase();
            if (phase == Lifecycle.HELD || phase == Lifecycle.RESTARTING || phase == Lifecycle.STOPPING) {
                log.info("postgres stopped on purpose while starting (" + state.current().message() + ")");
                return;
            }
        }
        postgres.stop(PostgresProcess.StopMode.FAST, STOP_TIMEOUT); // never leave a half-started postgres behind
        if (volume.fullNow()) {
            enter(Lifecycle.VOLUME_FULL, "volume full: " + volume.describe() + " (" + e.getMessage() + ")");
            log.warn("volume full, postgres cannot run: " + volume.describe() + ": " + e.getMessage());
        } else {
            enter(Lifecycle.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
            log.warn("failed: " + state.current().message());
        }
    }

    /** One life of postgres: prepare, start, bootstrap if new, then wait until it exits. */
    private void lifeOfPostgres() throws IOException, SQLException, InterruptedException {
        Process process;
        synchronized (gate) {
            // Checked under the gate that holds and close take: a hold that came meanwhile keeps postgres stopped.
            if (!mayStart()) {
                return;
            }
            if (state.current().phase() != Lifecycle.RECOVERING) {
                enter(Lifecycle.PREPARING, "preparing data and starting postgres");
            }
            Optional<InstanceOptions.Endpoint> follow = upstream;
            // The certificates are issued while initdb runs, which needs none; whatever connects waits for them.
            Certificates certificates = Certificates.issue(config, config.newestSpec(false));
            log.info(data.prepare(secrets, follow, postgres, certificates::await));
            certificates.await();
            if (follow.isEmpty() && data.isStandby()) {
                log.info("standby data and no upstream yet: starting as a standby that waits for a primary");
            }
            config.write(follow, false);
            process = postgres.start();
            log.info("postgres started (pid " + process.pid() + follow.map(f -> ", following " + f).orElse("") + ")");
        }
        java.sql.Connection first;
        try {
            first = awaitConnections(process);
        } catch (IOException e) {
            // It exited while starting: with a new configuration and a good one to go back to, the
            // new one is the suspect; the next start uses the good one.
            synchronized (gate) {
                Lifecycle phase = state.current().phase();
                boolean deliberate = phase == Lifecycle.HELD || phase == Lifecycle.RESTARTING
                        || phase == Lifecycle.STOPPING;
                if (!deliberate && config.tryingNew() && !volume.fullNow()) {
                    config.reject(e.getMessage());
                }
            }
            throw e;
        }
        boolean handed = false;
        try {
            synchronized (gate) {
                config.markGood();
            }
            if (!data.isStandby()) {
                enter(Lifecycle.BOOTSTRAPPING, "checking that bootstrap finished");
                if (bootstrap.ensure(first)) {
                    log.info("bootstrap complete: database " + options.spec().bootstrap().initdb().database());
                }
            }
            firstSession.accept(first);
            handed = true;
        } finally {
            if (!handed) {
                closeQuietly(first);
            }
        }
        boolean running = false;
        synchronized (gate) {
            if (state.current().phase() == Lifecycle.BOOTSTRAPPING || state.current().phase() == Lifecycle.PREPARING
                    || state.current().phase() == Lifecycle.RECOVERING) {
                running = enter(Lifecycle.RUNNING, "");
            }
        }
        if (running) {
            whenRunning.forEach(Runnable::run);
        }
        int exit = process.waitFor();
        exited(exit);
    }

    private void exited(int exit) {
        synchronized (gate) {
            switch (state.current().phase()) {
                case RESTARTING -> log.info("postgres stopped for a restart");
                case HELD, STOPPING -> { }
                default -> {
                    restarts.incrementAndGet();
                    if (volume.fullNow()) {
                        enter(Lifecycle.VOLUME_FULL, "volume full: " + volume.describe() + "; postgres exited with"
                                + " code " + exit);
                        log.warn("volume full, postgres exited with code " + exit + ": " + volume.describe());
                    } else {
                        enter(Lifecycle.RECOVERING, "postgres exited with code " + exit + "; restarting");
                        log.warn(state.current().message());
                    }
                }
            }
        }
    }

    /** Returns a session to postgres once it accepts connections. */
    private java.sql.Connection awaitConnections(Process process) throws SQLException, InterruptedException, IOException {
        SQLException last = null;
        Poll.Deadline deadline = Poll.Deadline.after(Duration.ofMinutes(10));
        while (!deadline.expired()) {
            if (!process.isAlive()) {
                throw new IOException("postgres exited with code " + process.exitValue() + " while starting; see the"
                        + " log (pgset logs " + options.pod() + ")");
            }
            PostgresSession own = sessions.apply(new InstanceOptions.Endpoint(options.host(), options.port()));
            // Not over TCP while the socket is still to come: that session would pay a TLS handshake
            // (tens of ms of CPU in a new JVM, and in postgres) that the socket a moment later spares.
            // Once postgres says it is ready and there is still none (a configuration from before
            // sockets), TCP it is.
            if (!own.socketPending() || postgres.saysReady()) {
                try {
                    return own.open("postgres");
                } catch (SQLException e) {
                    last = e; // still starting up or in crash recovery
                }
            }
            // Look again soon after postgres says it accepts connections, or in 100 ms anyway.
            for (int i = 0; i < 10 && !process.waitFor(10, TimeUnit.MILLISECONDS) && !postgres.saysReady(); i++) {
                // waiting
            }
        }
        throw new SQLException("postgres did not accept connections within 10 minutes", last);
    }

    private static void closeQuietly(java.sql.Connection session) {
        try {
            session.close();
        } catch (SQLException e) {
            // a session nobody took: whatever failed, it is gone
        }
    }

    /** Sleeps unless the instance stops meanwhile; false when it does. */
    private boolean pause(Duration pause) {
        try {
            Poll.until(pause, Duration.ofMillis(100), () -> state.current().phase() == Lifecycle.STOPPING);
            return state.current().phase() != Lifecycle.STOPPING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops postgres cleanly and the loop with it. */
    void close() {
        synchronized (gate) {
            enter(Lifecycle.STOPPING, "stopping");
            gate.notifyAll();
        }
        if (postgres.running().isPresent()) {
            log.info("stopping postgres (fast shutdown)");
        }
        postgres.stop(PostgresProcess.StopMode.FAST, STOP_TIMEOUT);
        thread.interrupt();
    }
}
