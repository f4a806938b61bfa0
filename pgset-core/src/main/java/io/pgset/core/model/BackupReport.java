package io.pgset.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The last backup an instance manager ran on its own volume, as its instance API answers
 * {@code GET /backup}: what the operator reads to follow a backup it asked for, since a backup can
 * outlast any request. Times are ISO-8601.
 *
 * @param state       running, succeeded or failed
 * @param type        pgBackRest's {@code --type}: full, diff or incr
 * @param repo        the repository, numbered from 1 as {@code spec.backup.repositories} lists them
 * @param started     when the instance started it; together with the pod, it names the run
 * @param tookSeconds how long it ran, or has run so far while it runs
 * @param label       pgBackRest's label of the backup it made; empty unless it succeeded
 * @param size        its size as pgBackRest prints it; empty when unknown
 * @param error       pgBackRest's first error line when it failed; empty otherwise
 */
public record BackupReport(State state, String type, int repo, String started, double tookSeconds, String label,
                           String size, String error) {

    public enum State {
        RUNNING, SUCCEEDED, FAILED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static State of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    public BackupReport {
        label = label == null ? "" : label;
        size = size == null ? "" : size;
        error = error == null ? "" : error;
    }

    public boolean running() {
        return state == State.RUNNING;
    }
}
