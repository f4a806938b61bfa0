package io.pgset.core.spec;

import io.pgset.core.model.BackupSpec.ArchiveSpec;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import io.pgset.core.model.BackupSpec.RetentionSpec;
import io.pgset.core.model.BackupSpec.S3Credentials;
import io.pgset.core.model.BackupSpec.S3Repository;
import io.pgset.core.model.BackupSpec.ScheduleSpec;
import io.pgset.core.model.BackupSpec.UriStyle;
import io.pgset.core.model.CronSchedule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code spec.backup}: repositories, schedule, retention and archiving, each checked by field path. */
final class BackupFields {

    private static final Rule CRON = value -> {
        try {
            CronSchedule.parse(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("must be a 5-field cron expression (minute hour day-of-month month day-of-week)"
                    + " such as \"0 3 * * 0\": " + e.getMessage() + ", got " + Describe.text(value));
        }
    };
    private static final Rule S3_BUCKET = Rule.matching("must be an S3 bucket name (3 to 63 lowercase letters,"
            + " digits, '.' and '-', starting and ending with a letter or digit)", "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Rule S3_REGION = Rule.matching("must be a region such as us-east-1", "[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Rule HOST_PORT = Rule.matching("must be a host name with an optional :port, such as"
            + " s3.example.com or localhost:9000", "[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?");

    /** Archiving is on exactly when the spec has a backup section, even an empty one. */
    static BackupSpec backup(String cluster, SpecNode backup) {
        return new BackupSpec(backup.isPresent(),
                backup.isPresent() ? repositories(cluster, backup) : List.of(),
                schedule(backup),
                new RetentionSpec(SpecParser.section(backup, "retention", "full").integer("full", 7, 1, 9999999)),
                new ArchiveSpec(SpecParser.section(backup, "archive", "timeoutSeconds").integer("timeoutSeconds", 60, 1, 86400)));
    }

    /** Absent means {@link ScheduleSpec#DEFAULT}; written, each type left out is not scheduled ({} is none). */
    private static ScheduleSpec schedule(SpecNode backup) {
        if (!backup.has("schedule")) {
            return ScheduleSpec.DEFAULT;
        }
        SpecNode schedule = SpecParser.section(backup, "schedule", "full", "differential", "incremental");
        return new ScheduleSpec(schedule.text("full", "", CRON), schedule.text("differential", "", CRON),
                schedule.text("incremental", "", CRON));
    }

    /** Without a list, one posix repository named {@code local} at the runtime's default path. */
    private static List<RepositorySpec> repositories(String cluster, SpecNode backup) {
        if (!backup.has("repositories")) {
            return List.of(new PosixRepository("local", ""));
        }
        List<SpecNode> nodes = backup.objects("repositories");
        if (nodes.isEmpty() && backup.isClean("repositories")) {
            backup.report("repositories", "must list at least one repository (or leave it out for the local default)");
        }
        List<RepositorySpec> repositories = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (SpecNode node : nodes) {
            String name = node.requiredText("name", SpecParser.DNS_1123, SpecParser.IDENTIFIER_LENGTH);
            if (!name.isEmpty() && !names.add(name)) {
                node.report("name", "must be unique among the repositories, got " + Describe.text(name) + " twice");
            }
            String type = node.text("type", "posix", Rule.oneOf("posix", "s3"));
            repositories.add(type.equals("s3") ? s3(cluster, name, node) : posix(name, node));
        }
        return repositories;
    }

    private static PosixRepository posix(String name, SpecNode node) {
        node.allowOnly("name", "type", "path");
        return new PosixRepository(name, node.text("path", "", SpecParser.SINGLE_LINE, SpecParser.ABSOLUTE_PATH));
    }

    private static S3Repository s3(String cluster, String name, SpecNode node) {
        node.allowOnly("name", "type", "endpoint", "bucket", "region", "path", "uriStyle", "credentials", "caFile");
        return new S3Repository(name,
                node.requiredText("endpoint", HOST_PORT),
                node.requiredText("bucket", S3_BUCKET),
                node.requiredText("region", S3_REGION),
                node.text("path", "/pgset/" + cluster, SpecParser.SINGLE_LINE, SpecParser.ABSOLUTE_PATH),
                UriStyle.valueOf(node.text("uriStyle", "host", Rule.oneOf("host", "path")).toUpperCase(Locale.ROOT)),
                credentials(node),
                node.text("caFile", "", SpecParser.SINGLE_LINE, SpecParser.ABSOLUTE_PATH));
    }

    /** Keys come from a Kubernetes Secret or a local file; exactly one, so there is no doubt which is used. */
    private static S3Credentials credentials(SpecNode repository) {
        SpecNode credentials = repository.requiredObject("credentials");
        credentials.allowOnly("secretName", "file");
        String secretName = credentials.text("secretName", "", SpecParser.DNS_1123, Rule.maxLength(253));
        String file = credentials.text("file", "", SpecParser.SINGLE_LINE, SpecParser.ABSOLUTE_PATH);
        if (credentials.isPresent() && credentials.has("secretName") == credentials.has("file")) {
            repository.report("credentials", "must name exactly one of secretName (Kubernetes) or file (local)");
        }
        return new S3Credentials(secretName, file);
    }

    private BackupFields() {}
}
