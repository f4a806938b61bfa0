package io.pgset.core.model;

/** What an instance is doing for the cluster, as its instance manager reports it. */
public enum Role {
    PRIMARY, REPLICA, UNKNOWN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
