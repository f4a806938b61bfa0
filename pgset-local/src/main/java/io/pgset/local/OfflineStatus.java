package io.pgset.local;

import io.pgset.core.control.ClusterController;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Conditions;
import io.pgset.core.model.Phase;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Status without a controller: what the files and any still-running instances tell. */
final class OfflineStatus {

    private OfflineStatus() {}

    static ClusterStatus of(ClusterHome home, Path pgsetHome, Launcher launcher, boolean controllerRunning) {
        ClusterSpec spec = SpecReader.read(home.spec());
        try {
            ClusterController look = new ClusterController(new LocalRuntime(pgsetHome, home, launcher),
                    LocalInstanceClient.of(home), event -> { });
            ClusterStatus status = look.inspect(spec);
            Services services = Services.read(home).orElse(new Services(0, 0));
            status = status.withServices(Services.describe(services, home, spec));
            status = status.pods().isEmpty()
                    ? status.withPhase(Phase.STOPPED, "stopped; `pgset up " + spec.name() + "` starts it")
                    : status.withPhase(Phase.DEGRADED, (controllerRunning ? "the controller does not answer"
                            : "the controller is not running") + "; `pgset up " + spec.name()
                            + "` adopts the running instances");
            return status.withConditions(Conditions.of(status, Optional.empty(), List.of(), Instant.now()));
        } catch (IOException e) {
            throw new PgsetException("cannot read the secrets of " + spec.name() + ": " + IoMessages.describe(e), e);
        }
    }
}
