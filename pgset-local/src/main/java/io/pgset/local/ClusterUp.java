package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InitdbAhead;
import io.pgset.instance.Secrets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code pgset up} of a local cluster: the checks, the spec and secrets, the first initdb of a new
 * cluster started ahead, the controller (its warm JVM when it can), then the wait for Healthy; and
 * on a failure before the controller runs, what was started or written for a new cluster removed.
 *
 * @param pgsetHome the pgset home the cluster is in
 * @param launcher  how the controller's process is started
 * @param out       where progress is said
 */
record ClusterUp(Path pgsetHome, Launcher launcher, PrintStream out) {

    /**
     * Starts a cluster, or re-adopts a running one, and waits until it is Healthy.
     *
     * @param given the spec from {@code -f}; empty to use the cluster's applied spec, or the
     *              default one for a new cluster
     */
    ClusterStatus up(Optional<ClusterSpec> given, String defaultName, Duration timeout) {
        String name = given.map(ClusterSpec::name).orElse(defaultName);
        ClusterHome home = ClusterHome.of(pgsetHome, name);
        boolean known = exists(home); // checked again under the change lock, where it decides
        ClusterSpec spec = given.orElseGet(() -> known ? SpecReader.read(home.spec()) : SpecReader.defaults(name));
        Preflight.postgresInstalled(spec);
        Preflight.haproxyInstalled();
        Preflight.kernelServicesSetting(System.getenv().getOrDefault(KernelServices.ENV, ""));
        Preflight.backupsSupported(spec);
        Preflight.writable(home.dir());
        Preflight.volumesReachable(pgsetHome);
        if (!known) {
            RecoverySources.resolve(spec, pgsetHome); // a source that cannot be found stops a new cluster here
        }
        SpecWarnings.print(out, spec);
        ControllerClient controller = new ControllerClient(home);
        UpLeftovers leftovers = new UpLeftovers(pgsetHome, home, launcher, out, known);
        Optional<Process> warmController = Optional.empty();
        Optional<InitdbAhead.Started> initdbAhead = Optional.empty();
        try {
            Files.createDirectories(home.dir());
            try (ChangeLock lock = ChangeLock.take(home)) {
                boolean isNew = !exists(home);
                boolean running = controller.running();
                if (!running) {
                    // Its JVM starts while this command writes the spec and secrets it is to read (see WarmInstances).
                    warmController = Optional.of(launcher.startWarm(ControllerClient.marker(home), home.controllerLog()));
                    Preflight.keptPortsFree(home, new LocalRuntime(pgsetHome, home, launcher));
                }
                if (given.isPresent() || isNew) {
                    if (!isNew && new SpecChange(out).check(home, spec)) {
                        new SpecChange(out).keepPrevious(home);
                    }
                    Json.writeText(home.spec(), SpecReader.write(spec));
                }
                if (isNew && !running) {
                    LocalSecrets.ensurePasswords(home); // initdb's, so it starts before the CA is made
                    initdbAhead = initdbAhead(home, spec);
                }
                LocalSecrets.ensure(home, spec.bootstrap().initdb().owner());
                Services.ensure(home, pgsetHome);
                if (running) {
                    out.println("cluster " + name + ": controller already running (pid "
                            + controller.process().map(ProcessHandle::pid).orElse(0L) + ")");
                    controller.poke();
                } else {
                    Files.deleteIfExists(home.controllerStopped());
                    new ControllerStart(pgsetHome, launcher, out, LocalClusters.WATCH_EVERY).start(home, controller, warmController);
                    warmController = Optional.empty();
                }
            }
        } catch (IOException e) {
            warmController.ifPresent(ControllerStart::stopWarm);
            initdbAhead.ifPresent(InitdbAhead.Started::abandon);
            leftovers.remove(controller);
            throw new PgsetException("cannot prepare cluster " + name + " in " + home.dir() + ": " + IoMessages.describe(e), e);
        } catch (RuntimeException e) {
            warmController.ifPresent(ControllerStart::stopWarm);
            initdbAhead.ifPresent(InitdbAhead.Started::abandon);
            leftovers.remove(controller);
            throw e;
        }
        try {
            return new HealthyWait(out, LocalClusters.WATCH_EVERY).await(home, controller, spec, timeout);
        } catch (RestoreFailedException e) {
            removeFailedRecovery(home, controller, leftovers);
            throw e;
        }
    }

    /**
     * A new cluster's first instance will make a new database on an empty volume: its initdb starts
     * now, beside the controller's and the instance manager's start, and the instance manager takes
     * it over ({@link InitdbAhead}). Not for a cluster restored from a backup, and not on a volume
     * that exists already (one kept from a deleted cluster of the same name). Should it fail to
     * start, the instance manager runs initdb itself, as without it.
     */
    private Optional<InitdbAhead.Started> initdbAhead(ClusterHome home, ClusterSpec spec) {
        if (spec.instances() < 1 || spec.bootstrap().recovery().isPresent()) {
            return Optional.empty();
        }
        try {
            return InitdbAhead.start(home.volume(spec.podName(0)), Path.of(spec.postgres().binDir()),
                    spec.bootstrap().initdb().dataChecksums(), Secrets.read(home.secrets()).superuserPassword());
        } catch (IOException e) {
            out.println("cluster " + home.name() + ": initdb not started ahead (" + IoMessages.describe(e)
                    + "); the first instance runs it");
            return Optional.empty();
        }
    }

    /**
     * A new cluster whose restore failed for good holds no database (a restore becomes pgdata only
     * once it has promoted): it is stopped and removed, so that fixing the spec and running the same
     * {@code up} again just works. Anything with data in it stays.
     */
    private void removeFailedRecovery(ClusterHome home, ControllerClient controller, UpLeftovers leftovers) {
        new ClusterStop(pgsetHome, launcher, out).stop(home);
        try (var volumes = Files.exists(home.volumes()) ? Files.list(home.volumes()) : java.util.stream.Stream.<Path>empty()) {
            if (volumes.anyMatch(volume -> Files.exists(volume.resolve("pgdata")))) {
                return;
            }
        } catch (IOException e) {
            return;
        }
        leftovers.remove(controller);
        out.println("cluster " + home.name() + ": removed again, it holds no data; nothing of the source was changed");
    }

    private static boolean exists(ClusterHome home) {
        return Files.exists(home.spec());
    }

    /** A new cluster's restore from a backup failed in a way another attempt would repeat. */
    static final class RestoreFailedException extends PgsetException {
        RestoreFailedException(String message) {
            super(message);
        }
    }
}
