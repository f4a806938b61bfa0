package io.pgset.instance;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * What the controller (or, in a pod, the isolation guard) asks of an instance's role: promote,
 * follow another primary, demote for a switchover, restart, hold stopped and release. Each takes
 * the supervisor's gate, so it never crosses a start of postgres.
 */
final class RoleChanges {

    private static final Duration CLEAN_STOP = Duration.ofSeconds(90);

    private final Supervisor supervisor;
    private final PostgresProcess postgres;
    private final DataDirectory data;
    private final ConfigWriter config;
    private final StatusReader statusReader;
    private final InstanceLog log;

    RoleChanges(Supervisor supervisor, PostgresProcess postgres, DataDirectory data, ConfigWriter config,
                StatusReader statusReader, InstanceLog log) {
        this.supervisor = supervisor;
        this.postgres = postgres;
        this.data = data;
        this.config = config;
        this.statusReader = statusReader;
        this.log = log;
    }

    /** Promotes this replica; returns once postgres accepts writes. */
    void promote() throws SQLException {
        statusReader.promote();
        supervisor.follow(Optional.empty());
        log.info("promoted to primary");
    }

    /**
     * Streams from another primary from now on. A standby just reloads its new primary_conninfo
     * (no restart); a former primary is stopped, and rewound as it starts again.
     */
    void follow(InstanceOptions.Endpoint primary) throws IOException, SQLException {
        synchronized (supervisor.gate) {
            supervisor.follow(Optional.of(primary));
            if (data.isStandby()) {
                config.write(supervisor.upstream(), true);
                statusReader.reload();
                log.info("following " + primary + " (configuration reloaded)");
                return;
            }
        }
        log.info("demoting: stopping postgres to rejoin as a replica of " + primary);
        restart();
    }

    /**
     * The first half of a switchover, on the primary: stops postgres cleanly (its walsenders send
     * every last record, up to the shutdown checkpoint, to the connected replicas), marks the data
     * a standby of {@code newPrimary}, and lets it start again as one. Nothing was written after
     * the shutdown checkpoint, so no rewind is needed. If the clean stop fails the switchover does:
     * postgres starts again as the primary it was.
     *
     * @return the shutdown checkpoint's LSN, which the new primary must have received before it
     *         is promoted
     */
    String demote(InstanceOptions.Endpoint newPrimary) throws IOException {
        synchronized (supervisor.gate) {
            if (postgres.running().isEmpty() || data.isStandby()) {
                throw new IOException(supervisor.state().message().isEmpty() ? "not a running primary; nothing to demote"
                        : "not a running primary (" + supervisor.state().message() + "); nothing to demote");
            }
            log.info("demoting for a switchover to " + newPrimary + ": fast shutdown");
            supervisor.enter(Lifecycle.RESTARTING, "stopping cleanly for a switchover to " + newPrimary);
            if (postgres.stop(PostgresProcess.StopMode.FAST, CLEAN_STOP) != PostgresProcess.StopMode.FAST) {
                throw new IOException("postgres did not stop cleanly, so its last records may not have reached "
                        + newPrimary + "; it starts again as the primary");
            }
            String checkpoint = data.shutdownCheckpoint();
            data.markStandby();
            supervisor.follow(Optional.of(newPrimary));
            log.info("stopped at shutdown checkpoint " + checkpoint + "; starting again as a replica of " + newPrimary);
            return checkpoint;
        }
    }

    /** Stops postgres cleanly; the supervisor starts it again with the current configuration. */
    void restart() {
        synchronized (supervisor.gate) {
            if (postgres.running().isEmpty()) {
                return;
            }
            supervisor.enter(Lifecycle.RESTARTING, "restarting");
            postgres.stop(PostgresProcess.StopMode.FAST, CLEAN_STOP);
        }
    }

    /**
     * Fences this instance: postgres is stopped at once (immediate shutdown: no new write gets in
     * while a checkpoint is written) and is not started again until {@link #release}. For a
     * primary that lost touch with everyone who could tell it that another was promoted.
     */
    void hold(String why) {
        synchronized (supervisor.gate) {
            supervisor.enter(Lifecycle.HELD, why);
            // Whatever runs on the data directory stops, also a postmaster only its pid file names.
            if (postgres.stop(PostgresProcess.StopMode.IMMEDIATE, Duration.ofSeconds(10)) == null
                    && postgres.running().isEmpty()) {
                log.info("kept stopped: " + why);
                return;
            }
            log.info("stopped postgres at once and keeps it stopped: " + why);
        }
    }

    /**
     * Lets postgres start again after {@link #hold}: as the primary it was, or, when another was
     * promoted meanwhile, as a replica of it (a former primary's data is rewound first).
     */
    void release(Optional<InstanceOptions.Endpoint> follow, String why) {
        synchronized (supervisor.gate) {
            if (supervisor.state().phase() != Lifecycle.HELD) {
                return;
            }
            follow.ifPresent(primary -> supervisor.follow(Optional.of(primary)));
            supervisor.release("starting again: " + why);
            log.info("starting postgres again: " + why);
        }
    }

    boolean held() {
        return supervisor.state().phase() == Lifecycle.HELD;
    }
}
