package io.pgset.core.model;

import java.util.Locale;

/** How pgset's own processes write their log lines. */
public enum LogFormat {
    /** {@code 2026-11-30T05:10:00.123Z INFO cluster=demo pod=demo-0 message} */
    TEXT,
    /** one JSON object a line: time, level, cluster, pod, logger, message (and exception) */
    JSON;

    /** The accepted spellings, for messages. */
    public static final String ACCEPTED = "text or json";

    /** @throws IllegalArgumentException naming the accepted values, for anything else */
    public static LogFormat of(String text) {
        for (LogFormat format : values()) {
            if (format.label().equals(text)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown log format '" + text + "'; use " + ACCEPTED);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
