package io.pgset.cli;

import io.pgset.core.model.ClusterStatus;
import io.pgset.local.ClusterHome;
import io.pgset.local.LocalSecrets;
import java.io.PrintStream;

/** How to connect, as {@code up} prints it. */
final class Connect {
    private Connect() {}

    static void print(PrintStream out, ClusterStatus status, ClusterHome home) {
        String pgpass = LocalSecrets.pgpass(home).toString();
        out.println();
        out.println("Connect (the app user's password is in " + pgpass + "):");
        status.services().forEach((name, service) ->
                out.println("  " + name + ": PGPASSFILE=" + pgpass + " psql '" + service.uri() + "'"));
        out.println("  or:  pgset psql " + status.name() + "        (rw; add --ro for the replicas)");
    }
}
