package io.pgset.instance.metrics;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs one section of a sampling round and keeps its failure to itself: the section's figures are
 * left out, and its failure is logged when it begins or changes, not every round it lasts.
 */
final class SectionFailures {

    /** A section's query. */
    @FunctionalInterface
    interface Section<T> {
        T read() throws SQLException;
    }

    private final Map<String, String> failing = new HashMap<>();
    private final BiConsumer<String, String> log;

    /** @param log told (section, message) when a section starts failing or fails differently */
    SectionFailures(BiConsumer<String, String> log) {
        this.log = log;
    }

    <T> T guard(String section, T otherwise, Section<T> read) {
        try {
            T value = read.read();
            failing.remove(section);
            return value;
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.equals(failing.put(section, message))) {
                log.accept(section, message);
            }
            return otherwise;
        }
    }
}
