package io.pgset.kubernetes.operator;

import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.plan.BackupSchedulePlanner.Slot;
import io.pgset.kubernetes.api.BackupStatus;
import io.pgset.kubernetes.api.BackupStatus.Run;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link BackupStatus} as {@link BackupScheduler} works on it during one pass: the planner's
 * slots by type, read from and written back to the published strings. A slot that cannot be read
 * (edited by hand) is dropped, so the planner sets it afresh from its expression.
 */
final class BackupState {

    private final Map<BackupType, Slot> slots = new EnumMap<>(BackupType.class);
    final Map<BackupType, String> lastStarted = new EnumMap<>(BackupType.class);
    Run running;
    Run last;
    String waiting;
    String request;

    static BackupState of(BackupStatus kept) {
        BackupState state = new BackupState();
        if (kept == null) {
            return state;
        }
        if (kept.scheduled() != null) {
            kept.scheduled().forEach((type, slot) -> {
                try {
                    BackupType t = BackupType.of(type);
                    state.slots.put(t, new Slot(slot.cron(), Instant.parse(slot.due())));
                    if (slot.lastStarted() != null) {
                        state.lastStarted.put(t, slot.lastStarted());
                    }
                } catch (RuntimeException unreadable) {
                    // set afresh by the planner
                }
            });
        }
        state.running = kept.running();
        state.last = kept.last();
        state.waiting = kept.waiting();
        state.request = kept.request();
        return state;
    }

    Map<BackupType, Slot> slots() {
        return Map.copyOf(slots);
    }

    void keep(Map<BackupType, Slot> next) {
        slots.clear();
        slots.putAll(next);
        lastStarted.keySet().retainAll(next.keySet());
    }

    BackupStatus toStatus() {
        Map<String, BackupStatus.Slot> scheduled = new LinkedHashMap<>();
        slots.forEach((type, slot) -> scheduled.put(type.option(),
                new BackupStatus.Slot(slot.cron(), slot.due().toString(), lastStarted.get(type))));
        return new BackupStatus(scheduled, running, last, waiting, request);
    }

    /** Without spec.backup nothing is scheduled; what the backups did stays told, or there is nothing. */
    BackupStatus unscheduled() {
        return last == null && request == null ? null : new BackupStatus(Map.of(), null, last, null, request);
    }
}
