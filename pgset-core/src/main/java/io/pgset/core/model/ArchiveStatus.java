package io.pgset.core.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * WAL archiving as one instance sees it: postgres's own counters ({@code pg_stat_archiver}), the
 * segments still waiting for archive_command ({@code .ready} files in pg_wal/archive_status) and
 * the size of pg_wal, which grows while they wait (pgset never drops WAL to keep archiving going).
 * Only a primary archives; a replica reports zeros. Times are ISO-8601, empty when there is none.
 *
 * @param archivedCount          segments archived since postgres's statistics were last reset
 * @param lastArchivedWal        the last segment (or history file) archived
 * @param lastArchivedTime       when it was archived
 * @param lastArchivedAgeSeconds how long ago that was when the instance was asked; -1 before any
 * @param failedCount            failed archive_command runs since the statistics were last reset
 * @param lastFailedWal          the segment of the last failed run
 * @param lastFailedTime         when it failed
 * @param segmentsWaiting        files waiting to be archived
 * @param oldestWaitingSince     when the oldest of them was completed (and first tried)
 * @param walBytes               bytes in pg_wal
 * @param failing                see {@link #isFailing}; derived from the other fields, never taken as given
 */
public record ArchiveStatus(
        long archivedCount,
        String lastArchivedWal,
        String lastArchivedTime,
        double lastArchivedAgeSeconds,
        long failedCount,
        String lastFailedWal,
        String lastFailedTime,
        long segmentsWaiting,
        String oldestWaitingSince,
        long walBytes,
        boolean failing) {

    /** What an instance that could not be asked, or a runtime that does not ask, reports. */
    public static final ArchiveStatus UNKNOWN = new ArchiveStatus(0, "", "", -1, 0, "", "", 0, "", 0, false);

    public ArchiveStatus {
        lastArchivedWal = lastArchivedWal == null ? "" : lastArchivedWal;
        lastArchivedTime = lastArchivedTime == null ? "" : lastArchivedTime;
        lastFailedWal = lastFailedWal == null ? "" : lastFailedWal;
        lastFailedTime = lastFailedTime == null ? "" : lastFailedTime;
        oldestWaitingSince = oldestWaitingSince == null ? "" : oldestWaitingSince;
        failing = isFailing(lastArchivedTime, lastFailedTime, segmentsWaiting);
    }

    /**
     * Archiving is failing when its last attempt failed (the last failure is newer than the last
     * success, or there was no success yet) and segments are waiting. A segment archived after a
     * failure ends it; a failure with nothing waiting was one postgres gave up on (a segment that
     * is no longer there), not an archive that falls behind.
     */
    static boolean isFailing(String lastArchivedTime, String lastFailedTime, long segmentsWaiting) {
        if (lastFailedTime.isEmpty() || segmentsWaiting == 0) {
            return false;
        }
        return lastArchivedTime.isEmpty() || Instant.parse(lastFailedTime).isAfter(Instant.parse(lastArchivedTime));
    }

    /** "WAL archiving failing since 2026-11-29T01:02:03Z, 12 segments waiting, pg_wal at 208 MB". */
    public String describeFailure() {
        String since = oldestWaitingSince.isEmpty() ? lastFailedTime : oldestWaitingSince;
        return "WAL archiving failing since " + seconds(since) + ", " + segmentsWaiting
                + (segmentsWaiting == 1 ? " segment" : " segments") + " waiting, pg_wal at " + (walBytes >> 20) + " MB";
    }

    /** An ISO-8601 time to whole seconds, for people. */
    static String seconds(String time) {
        return time.isEmpty() ? "an unknown time" : Instant.parse(time).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
