package io.pgset.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code shared_preload_libraries}: pgset always loads {@code pg_stat_statements} (the instance's
 * metrics report the top queries from it), after every library the user lists, in the user's
 * order (an extension such as Citus must come first). A user who lists it already gets the list
 * unchanged.
 */
public final class PreloadLibraries {

    /** The library pgset adds. */
    public static final String STATEMENTS = "pg_stat_statements";

    private PreloadLibraries() {}

    /** @param user the value of {@code spec.postgres.parameters.shared_preload_libraries}; null when unset */
    public static String merge(String user) {
        List<String> libraries = new ArrayList<>();
        if (user != null) {
            Arrays.stream(user.split(",")).map(String::strip).filter(l -> !l.isEmpty()).forEach(libraries::add);
        }
        boolean listed = libraries.stream().anyMatch(l -> unquoted(l).equalsIgnoreCase(STATEMENTS));
        if (!listed) {
            libraries.add(STATEMENTS);
        }
        return String.join(",", libraries);
    }

    private static String unquoted(String library) {
        return library.length() > 1 && library.startsWith("\"") && library.endsWith("\"")
                ? library.substring(1, library.length() - 1) : library;
    }
}
