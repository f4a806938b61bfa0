package io.pgset.core.plan;

import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.BackupSpec.ScheduleSpec;
import io.pgset.core.model.CronSchedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which scheduled backup is due. The runtime keeps, durably, one {@link Slot} per scheduled type:
 * the expression and the next time it is due.
 *
 * <ol>
 *   <li>A type seen for the first time, or whose expression changed, is next due at the
 *       expression's next firing after now: a new schedule does not fire for the past.</li>
 *   <li>A type whose due time has come is due. When several are, the largest runs (full, then
 *       differential, then incremental) and covers the others, since it holds all they would.</li>
 *   <li>When the backup starts ({@link #started}), every type it covers is next due at its next
 *       firing after now. Times missed while no controller ran therefore give exactly one
 *       catch-up backup, never one per missed time, and a restart after a backup began does not
 *       run it again.</li>
 *   <li>A due backup that cannot start (another one runs, there is no primary) stays due and
 *       runs once when it can.</li>
 * </ol>
 */
public final class BackupSchedulePlanner {

    private BackupSchedulePlanner() {}

    /** A scheduled type: its cron expression and when it is next due. */
    public record Slot(String cron, Instant due) {}

    /** The backup to run now: {@code type}, due since {@code dueAt}, standing for all {@code covered} types. */
    public record Due(BackupType type, Instant dueAt, Set<BackupType> covered) {
        public Due {
            covered = Collections.unmodifiableSet(EnumSet.copyOf(covered));
        }
    }

    /**
     * @param slots the slots to keep from now on (types no longer scheduled are gone)
     * @param due   the backup to run now, if any
     */
    public record Plan(Map<BackupType, Slot> slots, Optional<Due> due) {
        public Plan {
            slots = Collections.unmodifiableMap(slots.isEmpty() ? Map.of() : new EnumMap<>(slots));
        }
    }

    /** Rules 1 and 2. {@code known} is what the runtime kept; the zone is the one the schedule is read in. */
    public static Plan plan(ScheduleSpec schedule, Map<BackupType, Slot> known, Instant now, ZoneId zone) {
        Map<BackupType, Slot> slots = new EnumMap<>(BackupType.class);
        schedule.byType().forEach((type, cron) -> {
            Slot slot = known.get(type);
            slots.put(type, slot != null && slot.cron().equals(cron) ? slot
                    : new Slot(cron, CronSchedule.parse(cron).next(now, zone)));
        });
        EnumSet<BackupType> due = EnumSet.noneOf(BackupType.class);
        slots.forEach((type, slot) -> {
            if (!slot.due().isAfter(now)) {
                due.add(type);
            }
        });
        if (due.isEmpty()) {
            return new Plan(slots, Optional.empty());
        }
        BackupType largest = due.iterator().next();
        return new Plan(slots, Optional.of(new Due(largest, slots.get(largest).due(), due)));
    }

    /** Rule 3: the slots once {@code due} has started at {@code now}. */
    public static Map<BackupType, Slot> started(Plan plan, Due due, Instant now, ZoneId zone) {
        Map<BackupType, Slot> slots = new EnumMap<>(BackupType.class);
        slots.putAll(plan.slots());
        for (BackupType type : due.covered()) {
            String cron = slots.get(type).cron();
            slots.put(type, new Slot(cron, CronSchedule.parse(cron).next(now, zone)));
        }
        return Collections.unmodifiableMap(slots);
    }
}
