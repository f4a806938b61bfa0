package io.pgset.core.spec;

import java.util.List;

/**
 * A cluster spec that cannot be used, with every problem found in it, each naming its field path:
 * {@code spec.instances: must be >= 1, got 0}. Reporting all of them at once spares the user a
 * fix-one-rerun loop.
 */
public final class SpecException extends RuntimeException {

    private final List<String> problems;

    SpecException(List<String> problems) {
        this(problems, null);
    }

    SpecException(List<String> problems, Throwable cause) {
        super(message(problems), cause);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        return "invalid cluster spec:\n  - " + String.join("\n  - ", problems);
    }
}
