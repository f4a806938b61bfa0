package io.pgset.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.InstanceStatus.Clone;
import org.junit.jupiter.api.Test;

/** How the events say which way a replica was cloned. */
class CloneEventsTest {

    private static final String AT = "2026-11-30T02:14:45Z";

    @Test
    void aRestoreFromTheRepositoryNamesTheBackupAndItsDuration() {
        Event event = CloneEvents.event("demo", "demo-1",
                new Clone(Clone.Method.REPOSITORY, "20261130-021430F", 4.53, AT, "", false));
        assertThat(event.reason()).isEqualTo(Event.Reason.Cloned);
        assertThat(event.severity()).isEqualTo(Event.Severity.NORMAL);
        assertThat(event.pod()).contains("demo-1");
        assertThat(event.message()).contains("demo-1 restored from the backup repository (backup 20261130-021430F",
                "in 4.5 s");
    }

    @Test
    void pgBasebackupWithoutABackupIsNormalAndSaysWhy() {
        Event event = CloneEvents.event("demo", "demo-1",
                new Clone(Clone.Method.PG_BASEBACKUP, "", 0.8, AT, "no backup in repository 1 yet", false));
        assertThat(event.severity()).isEqualTo(Event.Severity.NORMAL);
        assertThat(event.message()).contains("demo-1 cloned from the primary with pg_basebackup in 0.8 s",
                "(no backup in repository 1 yet)");
    }

    @Test
    void pgBasebackupAfterAFailedRestoreIsAWarning() {
        Event event = CloneEvents.event("demo", "demo-2", new Clone(Clone.Method.PG_BASEBACKUP, "", 0.8, AT,
                "restore from the repository failed: pgbackrest restore of backup X failed", true));
        assertThat(event.severity()).isEqualTo(Event.Severity.WARNING);
        assertThat(event.message()).contains("restore from the repository failed");
    }
}
