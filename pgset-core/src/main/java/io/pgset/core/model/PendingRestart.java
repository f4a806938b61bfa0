package io.pgset.core.model;

/**
 * A parameter whose new value postgres takes only at its next start (pg_settings.pending_restart).
 *
 * @param parameter the parameter's name
 * @param current   the value postgres runs with, as pg_settings shows it
 * @param wanted    the value the spec asks for; when the spec no longer sets the parameter, the
 *                  server's own default (pg_settings.boot_val), so that it compares by value
 * @param toDefault the spec no longer sets the parameter: {@code wanted} is the server's default
 */
public record PendingRestart(String parameter, String current, String wanted, boolean toDefault) {

    public PendingRestart(String parameter, String current, String wanted) {
        this(parameter, current, wanted, false);
    }

    @Override
    public String toString() {
        return parameter + " " + current + " -> " + wanted + (toDefault ? " (default)" : "");
    }
}
