package io.pgset.core.model;

/**
 * One condition of a cluster's status.
 *
 * @param status             whether it holds
 * @param reason             one CamelCase word for why
 * @param message            why, for a person; may be empty
 * @param lastTransitionTime when {@code status} last changed (ISO-8601, whole seconds)
 */
public record Condition(ConditionType type, boolean status, String reason, String message,
                        String lastTransitionTime) {

    public Condition {
        message = message == null ? "" : message;
    }
}
