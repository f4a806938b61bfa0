package io.pgset.instance;

import java.time.Duration;
import java.time.Instant;

/**
 * Where an instance's postgres is in its life. The supervisor holds exactly one {@link State} at a
 * time and changes it in one place; everything else (probes, status, role changes) reads it.
 */
enum Lifecycle {
    /** Data being made ready (initdb, clone, rewind) and postgres starting. */
    PREPARING,
    /** A new database's roles, database and init SQL being created. */
    BOOTSTRAPPING,
    /** postgres accepts connections. */
    RUNNING,
    /** postgres exited by itself and is being started again (crash recovery). */
    RECOVERING,
    /** Stopped on purpose (a restart, a switchover); starts again with the current configuration. */
    RESTARTING,
    /** Fenced: kept stopped until released. */
    HELD,
    /** The volume has no space left; postgres starts again once it has. */
    VOLUME_FULL,
    /** The last start failed; it is tried again after a growing pause. */
    FAILED,
    /** The instance manager is shutting down. */
    STOPPING;

    /** How long postgres may be down before the liveness probe fails. */
    static final Duration LIVENESS_GRACE = Duration.ofSeconds(60);

    /**
     * One moment of an instance's life.
     *
     * @param since   when this phase began
     * @param message what is going on, or why not, for status; empty while running
     */
    record State(Lifecycle phase, String message, Instant since) {

        /** Startup probe and status: bootstrap finished and postgres accepts connections. */
        boolean started() {
            return phase == RUNNING;
        }

        /**
         * Liveness: postgres runs, or has been down only briefly, or waits for something a restart
         * of the instance would not bring (a release, free space).
         */
        boolean live(Instant now) {
            return phase == RUNNING || phase == HELD || phase == VOLUME_FULL
                    || Duration.between(since, now).compareTo(LIVENESS_GRACE) < 0;
        }
    }
}
