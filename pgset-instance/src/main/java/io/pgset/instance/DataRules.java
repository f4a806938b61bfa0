package io.pgset.instance;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What to do with an instance's volume before postgres starts, decided from what is on it. The
 * one rule above the others: <b>a data directory is deleted or overwritten only with proof that
 * nothing is lost</b>.
 *
 * <ol>
 *   <li>Work pgset staged itself and never finished ({@code pgdata.initdb}, {@code pgdata.clone},
 *       {@code pgdata.restore})
 *       is removed before anything else: a staged directory becomes {@code pgdata} only by one
 *       rename once it is complete, so a staged directory that is still there never was.</li>
 *   <li>No {@code pgdata} (or an empty one): a replica clones its upstream; a new cluster's first
 *       instance runs initdb, or restores another cluster's backup ({@code pgdata.restore}); an instance that should have data of its own is refused, since a
 *       new database there would fork the cluster's history.</li>
 *   <li>A {@code pgdata} whose {@code global/pg_control} is readable is a database. Without an
 *       upstream it is started as it is (a primary's data as the primary, a standby's as a standby
 *       that waits for one). With an upstream, a standby's data of the same system follows it as
 *       it is, and a former primary's is rewound with pg_rewind.</li>
 *   <li>Data that cannot serve as the replica it should become (another system identifier, a
 *       pg_rewind that was interrupted or failed, files without a readable pg_control) is moved
 *       aside to {@code pgdata.broken-<time>}, never deleted, and the replica is cloned anew.</li>
 *   <li>Without an upstream, data that cannot be used is refused with the reason: only a person
 *       can decide what becomes of a primary's data.</li>
 * </ol>
 */
final class DataRules {

    private DataRules() {}

    /** What a volume's {@code pgdata} holds. */
    enum Kind {
        /** no pgdata, or an empty directory */
        EMPTY,
        /** a database that is not in recovery mode: a primary's, or a former primary's */
        PRIMARY_DATA,
        /** a database with standby.signal: a replica's, or a primary demoted for a switchover */
        STANDBY_DATA,
        /** files, but no readable global/pg_control: not a database pgset can start */
        UNREADABLE
    }

    /**
     * What was found on the volume.
     *
     * @param systemIdentifier  pg_control's database system identifier; empty unless a database
     * @param rewindInterrupted a pg_rewind into this data began and never finished
     */
    record Found(Kind kind, OptionalLong systemIdentifier, boolean rewindInterrupted) {
        static Found empty() {
            return new Found(Kind.EMPTY, OptionalLong.empty(), false);
        }
    }

    /** The step to take. */
    sealed interface Step {
        /** Start postgres on the data as it is. */
        record Start() implements Step {}

        /** A new database (initdb in a staging directory, renamed into place when complete). */
        record Initdb() implements Step {}

        /**
         * A new database from another cluster's backup (restored, replayed and promoted in a
         * staging directory, renamed into place when complete).
         */
        record Restore() implements Step {}

        /** Clone the upstream into a staging directory, renamed into place when complete. */
        record Clone() implements Step {}

        /** Rewind a former primary's data to follow the upstream (if that fails: move aside and clone). */
        record Rewind() implements Step {}

        /** Keep the data at {@code pgdata.broken-<time>}, then clone the upstream. */
        record MoveAsideAndClone(String why) implements Step {}

        /** Touch nothing and say why. */
        record Refuse(String why) implements Step {}
    }

    /**
     * @param upstream           the primary this instance should follow; empty to start on its own
     * @param newDatabase        with no upstream, an empty volume may get a new database
     * @param upstreamIdentifier the upstream's system identifier, when it could be asked
     */
    static Step decide(Found found, Optional<?> upstream, boolean newDatabase, OptionalLong upstreamIdentifier) {
        return decide(found, upstream, newDatabase, false, upstreamIdentifier);
    }

    /**
     * @param restore a new database comes from a backup (a cluster bootstrapped by recovery), not initdb
     */
    static Step decide(Found found, Optional<?> upstream, boolean newDatabase, boolean restore,
            OptionalLong upstreamIdentifier) {
        return upstream.isPresent() ? asReplica(found, upstreamIdentifier) : onItsOwn(found, newDatabase, restore);
    }

    private static Step asReplica(Found found, OptionalLong upstreamIdentifier) {
        if (found.kind() == Kind.EMPTY) {
            return new Step.Clone();
        }
        if (found.kind() == Kind.UNREADABLE) {
            return new Step.MoveAsideAndClone("pgdata holds files but no readable global/pg_control");
        }
        if (found.rewindInterrupted()) {
            return new Step.MoveAsideAndClone("a pg_rewind into this data was interrupted, which leaves it inconsistent");
        }
        if (upstreamIdentifier.isPresent() && found.systemIdentifier().isPresent()
                && upstreamIdentifier.getAsLong() != found.systemIdentifier().getAsLong()) {
            return new Step.MoveAsideAndClone("it belongs to another database system (identifier "
                    + Long.toUnsignedString(found.systemIdentifier().getAsLong()) + ", the primary's is "
                    + Long.toUnsignedString(upstreamIdentifier.getAsLong()) + ")");
        }
        return found.kind() == Kind.STANDBY_DATA ? new Step.Start() : new Step.Rewind();
    }

    private static Step onItsOwn(Found found, boolean newDatabase, boolean restore) {
        switch (found.kind()) {
            case EMPTY:
                if (newDatabase) {
                    return restore ? new Step.Restore() : new Step.Initdb();
                }
                return new Step.Refuse("the volume holds no database, but this"
                        + " instance was asked to start from its own data (the cluster existed before); refusing to"
                        + " create a new, different database there. Restore the volume, or delete the cluster with"
                        + " --volumes to start over");
            case UNREADABLE:
                return new Step.Refuse("pgdata holds files but no readable global/pg_control, so it is not a"
                        + " database postgres can start; pgset never deletes it. Inspect it (pg_controldata), restore"
                        + " it from a copy, or move it away to let this instance start anew");
            default:
                if (found.rewindInterrupted()) {
                    return new Step.Refuse("a pg_rewind into this data was interrupted, so it is inconsistent and"
                            + " can only rejoin as a replica of the current primary; pgset will not start it as a"
                            + " primary");
                }
                return new Step.Start();
        }
    }
}
