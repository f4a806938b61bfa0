package io.pgset.cli;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.PgBackRest;
import io.pgset.instance.PostgresUser;
import io.pgset.local.ClusterHome;
import io.pgset.local.PgsetException;
import io.pgset.local.Ports;
import java.util.List;

/**
 * pgBackRest run as the postgres user with the configuration of a cluster's primary, as the
 * primary's instance manager wrote it. Backups from a standby are not taken yet (issue 10).
 */
final class PrimaryPgBackRest {

    private PrimaryPgBackRest() {}

    static ProcessBuilder command(Main main, String name, List<String> args) {
        ClusterHome home = main.clusters().home(name);
        ClusterSpec spec = SpecReader.read(home.spec());
        if (!spec.backup().enabled()) {
            throw new PgsetException("cluster " + name + " has no spec.backup: add a backup section"
                    + " (`backup: {}` for the local default repository) and `pgset apply` it");
        }
        ClusterStatus status = main.clusters().status(name);
        if (status.primary() == null || status.primary().isEmpty()) {
            throw new PgsetException("cluster " + name + " has no primary now; `pgset status " + name + "` says why");
        }
        return new ProcessBuilder(PgBackRest.command(PostgresUser.current(), home.volume(status.primary()),
                Ports.LOOPBACK, spec.name(), args)).redirectErrorStream(true);
    }
}
