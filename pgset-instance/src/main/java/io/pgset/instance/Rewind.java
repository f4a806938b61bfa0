package io.pgset.instance;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a former primary's data into a replica of its upstream: pg_rewind winds back what it wrote
 * after the two diverged (it runs crash recovery first if the old primary died). The
 * {@code rewinding} file marks the data inconsistent while pg_rewind works, so that a crash then
 * leads to a fresh clone, never to starting half-rewound data.
 */
final class Rewind {

    static final String MARKER = "rewinding";

    private final InstanceOptions options;
    private final Tools tools;
    private final PostgresUser user;
    private final Clock clock;
    private final Function<InstanceOptions.Endpoint, PostgresSession> sessions;
    private final LibpqTls tls;
    private final Path superuserPassfile;

    Rewind(InstanceOptions options, Tools tools, PostgresUser user, Clock clock,
           Function<InstanceOptions.Endpoint, PostgresSession> sessions, LibpqTls tls, Path superuserPassfile) {
        this.options = options;
        this.tools = tools;
        this.user = user;
        this.clock = clock;
        this.sessions = sessions;
        this.tls = tls;
        this.superuserPassfile = superuserPassfile;
    }

    /**
     * @return empty once the data is a standby of {@code upstream}; else why pg_rewind failed after
     *         it began to change the data, which must then be moved aside (the marker stays until then)
     * @throws IOException when the rewind could not begin: the data is untouched and it is tried again
     */
    Optional<String> onto(InstanceOptions.Endpoint upstream, PostgresProcess postgres) throws IOException {
        checkpoint(upstream);
        postgres.awaitNoPostmaster(Duration.ofSeconds(30));
        String source = "host=" + upstream.host() + " port=" + upstream.port() + " user=postgres dbname=postgres"
                + " passfile=" + superuserPassfile + tls.conninfo(false) + " connect_timeout=5";
        Path marker = options.volume().resolve(MARKER);
        DurableFiles.write(marker, "pg_rewind from " + upstream + " began " + clock.instant() + "\n");
        try {
            tools.run(Duration.ofHours(1), "pg_rewind", "--target-pgdata=" + options.pgdata(),
                    "--source-server=" + source);
        } catch (IOException rewindFailed) {
            if (beforeAnyChange(rewindFailed.getMessage())) {
                DurableFiles.delete(marker); // pg_rewind stopped before it wrote: the data is as it was
                throw new IOException("pg_rewind could not begin (" + rewindFailed.getMessage() + "); the data is"
                        + " untouched and the rewind is tried again", rewindFailed);
            }
            return Optional.of(String.valueOf(rewindFailed.getMessage()));
        }
        StagedData.markStandby(options.pgdata(), user);
        DurableFiles.delete(marker);
        return Optional.empty();
    }

    /**
     * A just-promoted primary reports its new timeline in pg_control only after its end-of-recovery
     * checkpoint; pg_rewind reads it from there, and would otherwise see "the same timeline" and
     * wrongly decide that no rewind is needed.
     */
    private void checkpoint(InstanceOptions.Endpoint primary) throws IOException {
        try (Connection c = sessions.apply(primary).open("postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    // pg_rewind would refuse it anyway; this data is the newest copy there may be of some
                    // commits, and is left as it is until the upstream is a primary.
                    throw new IOException(primary + " is not a primary (yet); pg_rewind waits for one");
                }
            }
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new IOException("cannot checkpoint the new primary " + primary + " before pg_rewind: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a pg_rewind failure happened before it changed the target: it could not reach the
     * source, or one of its checks refused. Only a failure after that leaves the data inconsistent.
     */
    static boolean beforeAnyChange(String failure) {
        String text = failure == null ? "" : failure;
        return List.of("could not connect", "connection to server", "must not be in recovery mode",
                "must be shut down cleanly")
                .stream().anyMatch(text::contains) && !text.contains("servers diverged");
    }
}
