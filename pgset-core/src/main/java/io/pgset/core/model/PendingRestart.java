package io.pgset.core.model;

/**
 * A parameter whose new value postgres takes only at its next start (pg_settings.pending_restart).
 *
 * @param parameter the parameter's name
 * @param current   the value postgres runs with, as pg_settings shows it
 * @param wanted    the value the spec asks for
 */
public record PendingRestart(String parameter, String current, String wanted) {

    @Override
    public String toString() {
        return parameter + " " + current + " -> " + wanted;
    }
}
