package io.pgset.kubernetes.operator;

import io.pgset.core.model.BackupSpec.BackupType;
import java.util.Map;
import java.util.Optional;

/**
 * A backup asked for now, by annotating the PostgresCluster (the Kubernetes counterpart of
 * {@code pgset backup}): {@code pgset.io/backup} names the request, and a new value asks again;
 * {@code pgset.io/backup-type} (full, diff or incr; default full) and {@code pgset.io/backup-repo}
 * (default 1) say what to take where. The operator acts once per value and keeps the value it
 * acted on in {@code status.backup.request}.
 */
record BackupRequest(String id, BackupType type, int repo) {

    static final String ANNOTATION = "pgset.io/backup";
    static final String TYPE = "pgset.io/backup-type";
    static final String REPO = "pgset.io/backup-repo";

    /** The request's value, when the annotation is set and not blank. */
    static Optional<String> id(Map<String, String> annotations) {
        return Optional.ofNullable(annotations.get(ANNOTATION)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * @param repositories how many repositories spec.backup lists
     * @throws IllegalArgumentException naming the annotation to change and what it accepts
     */
    static BackupRequest of(String id, Map<String, String> annotations, int repositories) {
        String type = annotations.getOrDefault(TYPE, BackupType.FULL.option()).strip();
        BackupType backupType;
        try {
            backupType = BackupType.of(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TYPE + ": must be full, diff or incr, got \"" + type + "\"");
        }
        String repo = annotations.getOrDefault(REPO, "1").strip();
        int number;
        try {
            number = Integer.parseInt(repo);
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1 || number > repositories) {
            throw new IllegalArgumentException(REPO + ": must be a repository number from 1 to " + repositories
                    + " (the order of spec.backup.repositories), got \"" + repo + "\"");
        }
        return new BackupRequest(id, backupType, number);
    }
}
