package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The instance's state: a fence is left only by a release, a stop never; liveness by phase. */
class LifecycleTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    private final Lifecycle.Tracker tracker = new Lifecycle.Tracker(Clock.fixed(T0, ZoneOffset.UTC),
            new Lifecycle.State(Lifecycle.RUNNING, "", T0));

    @Test
    void aHoldIsLeftOnlyByARelease() {
        assertThat(tracker.enter(Lifecycle.HELD, "isolated")).isTrue();
        for (Lifecycle other : new Lifecycle[] {Lifecycle.FAILED, Lifecycle.RUNNING, Lifecycle.RECOVERING,
                Lifecycle.PREPARING, Lifecycle.BOOTSTRAPPING, Lifecycle.RESTARTING, Lifecycle.VOLUME_FULL}) {
            assertThat(tracker.enter(other, "whatever happened meanwhile")).as("%s", other).isFalse();
            assertThat(tracker.current().phase()).isEqualTo(Lifecycle.HELD);
        }
        assertThat(tracker.release("the API server answers again")).isTrue();
        assertThat(tracker.current().phase()).isEqualTo(Lifecycle.RESTARTING);
        assertThat(tracker.release("twice")).isFalse();
    }

    @Test
    void aStopIsFinal() {
        tracker.enter(Lifecycle.STOPPING, "stopping");
        assertThat(tracker.enter(Lifecycle.FAILED, "postgres exited")).isFalse();
        assertThat(tracker.enter(Lifecycle.HELD, "isolated")).isFalse();
        assertThat(tracker.release("no")).isFalse();
        assertThat(tracker.current().phase()).isEqualTo(Lifecycle.STOPPING);
    }

    @Test
    void aHeldInstanceCanStillStop() {
        tracker.enter(Lifecycle.HELD, "isolated");
        assertThat(tracker.enter(Lifecycle.STOPPING, "SIGTERM")).isTrue();
    }

    @Test
    void livenessFailsOnlyForADownPostgresThatNothingWaitsFor() {
        Instant later = T0.plus(Lifecycle.LIVENESS_GRACE).plusSeconds(1);
        for (Lifecycle phase : Lifecycle.values()) {
            boolean live = new Lifecycle.State(phase, "", T0).live(later);
            boolean expected = switch (phase) {
                case RUNNING, HELD, VOLUME_FULL, PREPARING, BOOTSTRAPPING -> true;
                default -> false;
            };
            assertThat(live).as("%s after the grace", phase).isEqualTo(expected);
            assertThat(new Lifecycle.State(phase, "", T0).live(T0.plus(Duration.ofSeconds(5))))
                    .as("%s within the grace", phase).isTrue();
        }
    }

    @Test
    void theTimeInAPhaseIsKeptWhileOnlyItsMessageChanges() {
        Lifecycle.Tracker moving = new Lifecycle.Tracker(Clock.offset(Clock.fixed(T0, ZoneOffset.UTC),
                Duration.ofSeconds(30)), new Lifecycle.State(Lifecycle.FAILED, "first", T0));
        moving.enter(Lifecycle.FAILED, "second");
        assertThat(moving.current().since()).isEqualTo(T0);
        moving.enter(Lifecycle.PREPARING, "again");
        assertThat(moving.current().since()).isEqualTo(T0.plusSeconds(30));
    }
}
