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
            return phase == RUNNING || phase == HELD || phase == VOLUME_FULL || phase == PREPARING
                    || phase == BOOTSTRAPPING || Duration.between(since, now).compareTo(LIVENESS_GRACE) < 0;
        }
    }

    /**
     * The one place an instance's state changes. Two phases are sticky: HELD (a fence) is left
     * only by {@link #release}, so no failure or exit seen meanwhile can start postgres again;
     * STOPPING is never left.
     */
    static final class Tracker {
        private final java.time.Clock clock;
        private State state;

        Tracker(java.time.Clock clock, State initial) {
            this.clock = clock;
            this.state = initial;
        }

        synchronized State current() {
            return state;
        }

        /** Moves to {@code phase}; false (and nothing changes) while held or stopping. */
        synchronized boolean enter(Lifecycle phase, String message) {
            Lifecycle now = state.phase();
            if (now == STOPPING || (now == HELD && phase != HELD && phase != STOPPING)) {
                return false;
            }
            set(phase, message);
            return true;
        }

        /** Ends a hold: postgres may start again. False when it was not held. */
        synchronized boolean release(String message) {
            if (state.phase() != HELD) {
                return false;
            }
            set(RESTARTING, message);
            return true;
        }

        private void set(Lifecycle phase, String message) {
            if (state.phase() == phase && state.message().equals(message)) {
                return;
            }
            state = new State(phase, message, state.phase() == phase ? state.since() : clock.instant());
        }
    }
}
