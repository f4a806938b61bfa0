package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * A reload of postgres's configuration from the newest spec, under the supervisor's gate: the files
 * written, postgres told, and, when postgres refuses what a new spec asks for, the last good
 * configuration written back in its place ({@link ConfigWriter#reject}).
 */
record ConfigReload(ConfigWriter config, StatusReader statusReader, Supervisor supervisor, InstanceLog log) {

    /** @param handed the spec a controller handed over with the reload, if any ({@link ConfigWriter#hand}) */
    void reload(Optional<ClusterSpec> handed) throws IOException, SQLException {
        synchronized (supervisor.gate) {
            if (handed.isPresent()) {
                config.hand(handed.get());
            }
            String before = config.specVersion();
            config.write(supervisor.upstream(), true);
            List<String> refused = statusReader.refusedSettings();
            if (!refused.isEmpty() && config.tryingNew()) {
                config.reject("postgres refuses " + String.join(", ", refused));
                config.write(supervisor.upstream(), true);
            }
            try {
                statusReader.reload();
            } catch (SQLException e) {
                if (!config.tryingNew()) {
                    throw e;
                }
                // postgres does not take a configuration file with errors in it: go back.
                config.reject(e.getMessage());
                config.write(supervisor.upstream(), true);
                statusReader.reload();
            }
            if (statusReader.pendingRestart(config.settings()).isEmpty()) {
                config.markGood();
            }
            if (!before.equals(config.specVersion())) {
                log.info("configuration reloaded (spec " + before + " -> " + config.specVersion() + ")");
            }
        }
    }
}
