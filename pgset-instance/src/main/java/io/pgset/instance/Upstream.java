package io.pgset.instance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.function.Function;

/** What a volume's data manager asks of the primary it clones from or rejoins, over a superuser session. */
final class Upstream {

    private final Function<InstanceOptions.Endpoint, PostgresSession> sessions;
    private final InstanceLog log;

    Upstream(Function<InstanceOptions.Endpoint, PostgresSession> sessions, InstanceLog log) {
        this.sessions = sessions;
        this.log = log;
    }

    /** The upstream's system identifier; empty when it cannot be asked now (pg_rewind checks it again). */
    OptionalLong systemIdentifier(InstanceOptions.Endpoint upstream) {
        try (Connection c = sessions.apply(upstream).open("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            return OptionalLong.of(Long.parseUnsignedLong(rs.getString(1)));
        } catch (SQLException e) {
            log.info("cannot ask " + upstream + " for its system identifier: " + e.getMessage());
            return OptionalLong.empty();
        }
    }

    /**
     * Opens and closes one session to the upstream on a thread of its own, once pg_basebackup has
     * copied everything: while the copy is synced and postgres starts, when this JVM only waits. A
     * new instance manager's first session to any postgres costs it 150-200 ms more than the next
     * (TLS, SCRAM and the driver's protocol run through code not yet compiled); paid here, it is not
     * paid by the session that tells the replica is ready. Started earlier, beside pg_basebackup, it
     * slowed the copy by as much as it saved. It asks nothing, and a failure means nothing here.
     */
    void warmUpSessions(InstanceOptions.Endpoint upstream) {
        Thread thread = new Thread(() -> {
            try (Connection c = sessions.apply(upstream).open("postgres")) {
                c.isValid(1);
            } catch (SQLException e) {
                // only a warm-up: the replica connects to the upstream on its own, and says so when it cannot
            }
        }, "session-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
