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
}
