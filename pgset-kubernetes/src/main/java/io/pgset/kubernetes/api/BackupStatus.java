package io.pgset.kubernetes.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/**
 * {@code status.backup}: the schedule's state, which the operator keeps here rather than in
 * memory so that a restarted operator neither repeats a backup nor runs one per missed time, and
 * what the backups did. Times are ISO-8601 (UTC).
 *
 * @param scheduled per scheduled type (full, diff, incr): its expression, when it is next due, and
 *                  when the last scheduled backup of that type started
 * @param running   the backup that runs now, if any; the operator never starts a second
 * @param last      the last backup that ended, and how
 * @param waiting   why a backup that is due has not started, while it waits
 * @param request   the value of the {@code pgset.io/backup} annotation the operator last acted on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupStatus(
        @JsonPropertyDescription("Per scheduled type (full, diff, incr): cron, next due time, last start")
        Map<String, Slot> scheduled,
        @JsonPropertyDescription("The backup that runs now, if any")
        Run running,
        @JsonPropertyDescription("The last backup that ended, and how")
        Run last,
        @JsonPropertyDescription("Why a backup that is due has not started yet")
        String waiting,
        @JsonPropertyDescription("The value of the pgset.io/backup annotation last acted on")
        String request) {

    /** One scheduled type; {@code lastStarted} is empty before its first scheduled backup. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Slot(String cron, String due, String lastStarted) {}

    /**
     * One backup the operator asked for.
     *
     * @param dueAt     the scheduled time it stands for; absent for a backup asked for by annotation
     * @param covers    the scheduled types it stands for (a full backup covers a due incremental); absent
     *                  for a backup asked for by annotation
     * @param started   when the pod started it, by the pod's clock
     * @param result    Running, Succeeded or Failed
     * @param error     pgBackRest's error line, or why the backup was lost
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Run(String type, Integer repo, String pod, String dueAt, List<String> covers,
                      String started, String result, Double tookSeconds, String label, String size, String error) {}
}
