package io.pgset.core.model;

import java.util.List;
import java.util.Map;

/**
 * Continuous archiving and backups with pgBackRest; {@code enabled} is false when the spec has
 * no backup section. Repositories are in spec order: the first is pgBackRest's {@code repo1}.
 */
public record BackupSpec(boolean enabled, List<RepositorySpec> repositories, ScheduleSpec schedule,
        RetentionSpec retention, ArchiveSpec archive) {

    public BackupSpec {
        repositories = List.copyOf(repositories);
    }

    /**
     * The kinds of pgBackRest backup, largest first: {@code option} is pgBackRest's {@code --type},
     * {@code scheduleField} the field of {@code spec.backup.schedule} that schedules it.
     */
    public enum BackupType {
        FULL("full", "full"), DIFF("diff", "differential"), INCR("incr", "incremental");

        private final String option;
        private final String scheduleField;

        BackupType(String option, String scheduleField) {
            this.option = option;
            this.scheduleField = scheduleField;
        }

        public String option() {
            return option;
        }

        public String scheduleField() {
            return scheduleField;
        }

        /** @throws IllegalArgumentException for anything but full, diff or incr */
        public static BackupType of(String option) {
            for (BackupType type : values()) {
                if (type.option.equals(option)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown backup type '" + option + "'; use full, diff or incr");
        }
    }

    /**
     * When backups run by themselves: 5-field cron expressions ({@link CronSchedule}) in the
     * runtime's time zone, an empty one meaning that type is not scheduled.
     */
    public record ScheduleSpec(String full, String differential, String incremental) {

        /**
         * A full backup every Sunday at 03:00 and an incremental one the other nights: every night is
         * covered, a restore needs at most a week of incrementals, and with the default retention
         * of 7 full backups about seven weeks can be recovered. Only when the spec has no schedule
         * at all; a schedule that is written means exactly what it says.
         */
        public static final ScheduleSpec DEFAULT = new ScheduleSpec("0 3 * * 0", "", "0 3 * * 1-6");

        /** The scheduled types and their expressions, full first. */
        public Map<BackupType, String> byType() {
            Map<BackupType, String> types = new java.util.EnumMap<>(BackupType.class);
            for (BackupType type : BackupType.values()) {
                String cron = switch (type) {
                    case FULL -> full;
                    case DIFF -> differential;
                    case INCR -> incremental;
                };
                if (!cron.isEmpty()) {
                    types.put(type, cron);
                }
            }
            return java.util.Collections.unmodifiableMap(types);
        }
    }

    /** Where pgBackRest keeps backups and archived WAL; {@code name} is unique within the cluster. */
    public sealed interface RepositorySpec permits PosixRepository, S3Repository {
        String name();
    }

    /** A directory; an empty {@code path} means the runtime's default. */
    public record PosixRepository(String name, String path) implements RepositorySpec {}

    public enum UriStyle { HOST, PATH }

    /**
     * An S3 bucket over HTTPS. {@code endpoint} is a host with an optional {@code :port};
     * {@code caFile} empty means the system's certificate authorities.
     */
    public record S3Repository(String name, String endpoint, String bucket, String region, String path,
            UriStyle uriStyle, S3Credentials credentials, String caFile) implements RepositorySpec {

        /** The endpoint without its port. */
        public String host() {
            int colon = endpoint.indexOf(':');
            return colon < 0 ? endpoint : endpoint.substring(0, colon);
        }

        /** The endpoint's port, 443 (HTTPS) when it names none. */
        public int port() {
            int colon = endpoint.indexOf(':');
            return colon < 0 ? 443 : Integer.parseInt(endpoint.substring(colon + 1));
        }
    }

    /** Exactly one of a Kubernetes Secret's name or a local secrets file; the other is empty. */
    public record S3Credentials(String secretName, String file) {}

    public record RetentionSpec(int full) {}

    /** {@code timeoutSeconds} becomes archive_timeout, so a quiet cluster still archives. */
    public record ArchiveSpec(int timeoutSeconds) {}
}
