package io.pgset.kubernetes.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Real time, shifted: it runs as the system clock does (so the operator's pacing and timeouts
 * behave) but reads as another moment, which a test moves forward to bring a scheduled time
 * near. UTC, as the operator reads schedules.
 */
final class ShiftedClock extends Clock {

    private volatile Duration shift;

    ShiftedClock(Instant now) {
        this.shift = Duration.between(Instant.now(), now);
    }

    /** From now on the clock reads {@code now}, and runs on from there. */
    void set(Instant now) {
        shift = Duration.between(Instant.now(), now);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift);
    }
}
