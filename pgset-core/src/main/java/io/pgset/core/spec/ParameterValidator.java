package io.pgset.core.spec;

import io.pgset.core.model.ClusterSpec.PostgresSpec;
import java.util.List;

/**
 * Checks {@code spec.postgres.parameters} against what the runtime can ask (the installed
 * server); each problem names its field path. {@link ParameterCheck} is the rules; the runtime
 * supplies the server.
 */
@FunctionalInterface
public interface ParameterValidator {

    /** For when no server can be asked: the spec's own rules only. */
    ParameterValidator NONE = postgres -> List.of();

    List<String> problems(PostgresSpec postgres);
}
