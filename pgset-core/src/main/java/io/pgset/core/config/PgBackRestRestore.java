package io.pgset.core.config;

import io.pgset.core.model.ClusterSpec.RecoveryTarget;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What pgBackRest needs to restore a new cluster's first instance from another cluster's
 * repository: a configuration of its own (the source's repository and stanza, the staging
 * directory as {@code pg1-path}) so that nothing of the new cluster's archive is involved, and
 * the options that make replay stop at the target and promote.
 */
public final class PgBackRestRestore {

    /**
     * pgBackRest reads a time target in this form; converted to UTC so that no zone abbreviation is
     * ever interpreted by the server.
     */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'");

    private PgBackRestRestore() {}

    /**
     * The configuration that reads the source.
     *
     * @param stanza           the source cluster's name
     * @param systemIdentifier the source incarnation; empty to address the repository's base (to list
     *                         the incarnations it holds)
     * @param s3Keys           the keys of an s3 repository, by its name
     * @param stateDirectory   for pgBackRest's lock, spool and log directories
     * @param pgdata           where the restore writes
     */
    public static String conf(String stanza, RepositorySpec repository, String defaultPosixPath, String systemIdentifier,
            Map<String, S3Keys> s3Keys, String stateDirectory, String pgdata) {
        StringBuilder out = new StringBuilder("# Written by pgset to restore from cluster " + stanza
                + "'s repository, which it only reads.\n");
        Map<String, String> global = new LinkedHashMap<>();
        global.put("lock-path", stateDirectory + "/lock");
        global.put("spool-path", stateDirectory + "/spool");
        global.put("log-path", stateDirectory + "/log");
        global.put("log-level-console", "warn");
        global.put("log-level-file", "info");
        PgBackRestConfRenderer.repository(global, "repo1", repository, defaultPosixPath, systemIdentifier, s3Keys);
        PgBackRestConfRenderer.section(out, "global", global);
        PgBackRestConfRenderer.section(out, stanza, Map.of("pg1-path", pgdata));
        return out.toString();
    }

    /**
     * The options of {@code pgbackrest restore} for the target. pgBackRest picks the newest backup
     * that ends before a time target; replay promotes at the target, so the restored instance
     * becomes the new cluster's primary on a new timeline.
     */
    public static List<String> targetOptions(RecoveryTarget target) {
        return switch (target.type()) {
            case LATEST -> List.of("--type=default");
            case IMMEDIATE -> List.of("--type=immediate", "--target-action=promote");
            case TIME -> List.of("--type=time", "--target=" + utc(target.value()), "--target-action=promote");
            case LSN -> List.of("--type=lsn", "--target=" + target.value(), "--target-action=promote");
            case NAME -> List.of("--type=name", "--target=" + target.value(), "--target-action=promote");
        };
    }

    /** A time target as pgBackRest and PostgreSQL both read it. */
    static String utc(String offsetTime) {
        return OffsetDateTime.parse(offsetTime).withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
    }

    /** How the target reads in messages. */
    public static String describe(RecoveryTarget target) {
        return switch (target.type()) {
            case LATEST -> "the end of the archived WAL";
            case IMMEDIATE -> "the end of the backup (immediate)";
            case TIME -> "time " + target.value();
            case LSN -> "lsn " + target.value();
            case NAME -> "restore point " + target.value();
        };
    }
}
