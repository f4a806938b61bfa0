package io.pgset.instance.metrics;

import io.pgset.core.config.PreloadLibraries;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the pg_stat_statements extension in a database of a primary that preloads its library,
 * so that its view exists there (replicas receive it with the WAL): in {@code postgres}, where the
 * sampler reads it, and in the application database, where its users can. Without the library
 * loaded nothing is created and no query is reported.
 */
final class StatementsExtension {

    private StatementsExtension() {}

    /** @return true once the extension exists or cannot exist here (the library is not loaded) */
    static boolean ensure(Connection c) throws SQLException {
        if (PostgresQueries.statementsSchema(c).isPresent()) {
            return true;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('shared_preload_libraries')")) {
            rs.next();
            boolean loaded = java.util.Arrays.stream(rs.getString(1).split(","))
                    .map(l -> l.strip().replace("\"", ""))
                    .anyMatch(l -> l.equalsIgnoreCase(PreloadLibraries.STATEMENTS));
            if (!loaded) {
                return true;
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        return true;
    }
}
