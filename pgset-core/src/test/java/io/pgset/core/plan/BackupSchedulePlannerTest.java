package io.pgset.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.BackupSpec.ScheduleSpec;
import io.pgset.core.plan.BackupSchedulePlanner.Due;
import io.pgset.core.plan.BackupSchedulePlanner.Plan;
import io.pgset.core.plan.BackupSchedulePlanner.Slot;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When scheduled backups are due, across restarts of whoever keeps the slots. */
class BackupSchedulePlannerTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ScheduleSpec WEEKLY_FULL_NIGHTLY_INCR = ScheduleSpec.DEFAULT;

    @Test
    void aNewScheduleIsFirstDueAtItsNextFiringNotInThePast() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z"); // a Wednesday

        Plan plan = BackupSchedulePlanner.plan(WEEKLY_FULL_NIGHTLY_INCR, Map.of(), now, UTC);

        assertThat(plan.due()).isEmpty();
        assertThat(plan.slots()).isEqualTo(Map.of(
                BackupType.FULL, new Slot("0 3 * * 0", Instant.parse("2026-11-29T03:00:00Z")),
                BackupType.INCR, new Slot("0 3 * * 1-6", Instant.parse("2026-11-26T03:00:00Z"))));
    }

    @Test
    void aDueSlotIsDueUntilItStartsThenMovesToItsNextFiring() {
        Map<BackupType, Slot> known = Map.of(BackupType.INCR, new Slot("0 3 * * 1-6", Instant.parse("2026-11-26T03:00:00Z")),
                BackupType.FULL, new Slot("0 3 * * 0", Instant.parse("2026-11-29T03:00:00Z")));
        Instant now = Instant.parse("2026-11-26T03:00:00.300Z");

        Plan plan = BackupSchedulePlanner.plan(WEEKLY_FULL_NIGHTLY_INCR, known, now, UTC);

        assertThat(plan.due()).contains(new Due(BackupType.INCR, Instant.parse("2026-11-26T03:00:00Z"),
                Set.of(BackupType.INCR)));
        Map<BackupType, Slot> after = BackupSchedulePlanner.started(plan, plan.due().orElseThrow(), now, UTC);
        assertThat(after.get(BackupType.INCR).due()).isEqualTo(Instant.parse("2026-11-27T03:00:00Z"));
        assertThat(after.get(BackupType.FULL)).isEqualTo(known.get(BackupType.FULL));
        assertThat(BackupSchedulePlanner.plan(WEEKLY_FULL_NIGHTLY_INCR, after, now.plusSeconds(5), UTC).due()).isEmpty();
    }

    @Test
    void manyMissedFiringsGiveOneCatchUpBackup() {
        // The controller was down for three days: the slot is from before, four firings were missed.
        Map<BackupType, Slot> known = Map.of(BackupType.INCR, new Slot("0 * * * *", Instant.parse("2026-11-23T10:00:00Z")));
        ScheduleSpec hourly = new ScheduleSpec("", "", "0 * * * *");
        Instant restart = Instant.parse("2026-11-26T09:30:00Z");

        Plan plan = BackupSchedulePlanner.plan(hourly, known, restart, UTC);
        Map<BackupType, Slot> after = BackupSchedulePlanner.started(plan, plan.due().orElseThrow(), restart, UTC);

        assertThat(after.get(BackupType.INCR).due()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(BackupSchedulePlanner.plan(hourly, after, restart.plusSeconds(60), UTC).due()).isEmpty();
    }

    @Test
    void theLargestDueTypeRunsAndCoversTheSmallerOnes() {
        ScheduleSpec overlapping = new ScheduleSpec("0 3 * * *", "", "0 * * * *");
        Instant at3 = Instant.parse("2026-11-26T03:00:00Z");
        Map<BackupType, Slot> known = Map.of(BackupType.FULL, new Slot("0 3 * * *", at3),
                BackupType.INCR, new Slot("0 * * * *", at3));

        Plan plan = BackupSchedulePlanner.plan(overlapping, known, at3.plusSeconds(1), UTC);

        assertThat(plan.due()).contains(new Due(BackupType.FULL, at3, Set.of(BackupType.FULL, BackupType.INCR)));
        Map<BackupType, Slot> after = BackupSchedulePlanner.started(plan, plan.due().orElseThrow(), at3.plusSeconds(1), UTC);
        assertThat(after.get(BackupType.INCR).due()).isEqualTo(Instant.parse("2026-11-26T04:00:00Z"));
        assertThat(after.get(BackupType.FULL).due()).isEqualTo(Instant.parse("2026-11-27T03:00:00Z"));
    }

    @Test
    void aChangedExpressionStartsOverAndARemovedTypeIsDropped() {
        Map<BackupType, Slot> known = Map.of(BackupType.FULL, new Slot("0 3 * * 0", Instant.parse("2026-11-01T03:00:00Z")),
                BackupType.INCR, new Slot("0 3 * * 1-6", Instant.parse("2026-11-01T03:00:00Z")));
        Instant now = Instant.parse("2026-11-25T12:00:00Z");

        Plan plan = BackupSchedulePlanner.plan(new ScheduleSpec("0 4 * * *", "", ""), known, now, UTC);

        assertThat(plan.due()).isEmpty();
        assertThat(plan.slots()).isEqualTo(Map.of(BackupType.FULL,
                new Slot("0 4 * * *", Instant.parse("2026-11-26T04:00:00Z"))));
    }

    @Test
    void noScheduleNoSlots() {
        assertThat(BackupSchedulePlanner.plan(new ScheduleSpec("", "", ""), Map.of(), Instant.EPOCH, UTC))
                .isEqualTo(new Plan(Map.of(), java.util.Optional.empty()));
    }
}
