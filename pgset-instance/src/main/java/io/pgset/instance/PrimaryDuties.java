package io.pgset.instance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a primary does on its own database besides serving it: bootstrap, once per data; a
 * checkpoint after bootstrap and after a promotion, on the housekeeper; the pgBackRest stanza, and
 * a reload that wakes the archiver once it exists.
 */
final class PrimaryDuties {

    private final InstanceOptions options;
    private final Secrets secrets;
    private final DataDirectory data;
    private final ConfigWriter config;
    private final PgBackRest pgBackRest;
    private final Housekeeper housekeeper;
    private final PostgresSession self;
    /** Told, with what it does, just before bootstrap begins. */
    private final Consumer<String> bootstrapping;
    /** Whether this instance runs as a primary now (started, postgres running, no standby data). */
    private final BooleanSupplier runningPrimary;

    /** The {@link DataDirectory#generation} on which bootstrap was seen complete; -1 before. */
    private volatile long bootstrapSeenIn = -1;

    PrimaryDuties(InstanceOptions options, Secrets secrets, DataDirectory data, ConfigWriter config,
                  PgBackRest pgBackRest, Housekeeper housekeeper, PostgresSession self, Consumer<String> bootstrapping,
                  BooleanSupplier runningPrimary) {
        this.options = options;
        this.secrets = secrets;
        this.data = data;
        this.config = config;
        this.pgBackRest = pgBackRest;
        this.housekeeper = housekeeper;
        this.self = self;
        this.bootstrapping = bootstrapping;
        this.runningPrimary = runningPrimary;
    }

    /**
     * Runs bootstrap on this primary's database unless it finished before (true when it ran now),
     * then makes sure its archive has a stanza. The Supervisor's {@link Supervisor.Bootstrapper}.
     */
    boolean ensureBootstrapped(Connection session) throws SQLException, IOException {
        boolean ran = bootstrapOnce(session);
        if (ran && options.spec().instances() > 1) {
            // Bootstrap leaves the new database's pages dirty (about 900 buffers, 300 files to sync);
            // the first replica's pg_basebackup begins with a checkpoint that would write them while
            // the new cluster waits. Now, it overlaps with the replica's creation. Not for one
            // instance: nothing clones it, and a checkpoint may preallocate a WAL segment (16 MiB
            // more on a small volume) that would otherwise come only minutes later.
            housekeeper.soon("the checkpoint after bootstrap", this::checkpoint);
        }
        if (pgBackRest.ensureStanza(config.spec())) {
            wakeArchiver();
        }
        return ran;
    }

    private boolean bootstrapOnce(Connection session) throws SQLException, IOException {
        if (bootstrapSeenIn == data.generation()) {
            return false; // seen on this very data: a record in the database does not go away
        }
        Bootstrap bootstrap = new Bootstrap(self, options.spec().bootstrap().initdb(), secrets, options.initSql());
        boolean ran = bootstrap.ensure(session, data.legacyMarker(),
                () -> bootstrapping.accept("creating roles, database and init SQL"));
        bootstrapSeenIn = data.generation();
        return ran;
    }

    /**
     * A promotion writes no checkpoint, so pg_control keeps the old timeline until the next one,
     * minutes later: what reads pg_control meanwhile (pg_rewind of the old primary, a backup from a
     * standby, which restarts its own checkpoints from the primary's) sees the old timeline. One
     * checkpoint now, off the promotion's path, then the archive's stanza.
     */
    void afterPromotion() {
        housekeeper.soon("the checkpoint after a promotion", () -> {
            checkpoint();
            ensureStanza();
        });
    }

    /**
     * A primary archives only once its stanza exists. It is created when a primary starts, but a
     * replica promoted by a switchover or failover may be the first primary with the backup section
     * (one added by apply), and the repository may have been unreachable at the start: until it
     * exists, this tries again, and postgres keeps every WAL segment meanwhile.
     */
    void ensureStanza() throws SQLException {
        if (runningPrimary.getAsBoolean() && pgBackRest.ensureStanza(config.spec())) {
            wakeArchiver();
        }
    }

    private void checkpoint() throws SQLException {
        execute("CHECKPOINT");
    }

    /**
     * postgres's archiver waits a minute after three failed attempts; a configuration reload
     * wakes it, so WAL kept while there was no stanza is archived at once.
     */
    private void wakeArchiver() throws SQLException {
        execute("SELECT pg_reload_conf()");
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = self.open("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
