package io.pgset.local;

import io.pgset.core.control.PodState;
import io.pgset.instance.DurableFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How {@code down} and {@code delete} stop a cluster: the controller first (and marked stopped, so
 * that no instance manager starts it again), then every instance, highest ordinal first, then the
 * services, whatever happened before; {@code delete} then removes the cluster's files.
 *
 * @param pgsetHome the pgset home the cluster is in
 * @param launcher  how instance processes are found and stopped
 * @param out       where each step is said
 */
record ClusterStop(Path pgsetHome, Launcher launcher, PrintStream out) {

    /** Stops the controller, then every instance, highest ordinal first, then the services; volumes stay. */
    void stop(ClusterHome home) {
        String name = home.name();
        try (ChangeLock lock = ChangeLock.take(home)) {
            // First, so that no instance manager starts the controller again (ControllerWatchdog).
            DurableFiles.write(home.controllerStopped(), "stopped by pgset down or delete\n");
            ControllerClient controller = new ControllerClient(home);
            Optional<ProcessHandle> daemon = controller.process();
            if (daemon.isPresent()) {
                out.println("cluster " + name + ": stopping the controller");
                Processes.stop(daemon.get(), Duration.ofSeconds(30));
            }
            LocalRuntime runtime = new LocalRuntime(pgsetHome, home, launcher);
            List<PodState> pods = new ArrayList<>(runtime.pods());
            pods.sort(Comparator.comparingInt(PodState::ordinal).reversed());
            try {
                for (var pod : pods) {
                    if (pod.running()) {
                        out.println("cluster " + name + ": stopping " + pod.name());
                        runtime.deletePod(pod);
                    }
                }
            } finally {
                KernelServices.stop(home); // first: no route may outlive the listener it stands in front of
                HaproxyServices.stop(home); // also when an instance would not stop: no listener is left behind
            }
        } catch (IOException e) {
            throw new PgsetException("cannot stop cluster " + name + ": " + IoMessages.describe(e), e);
        }
    }

    /**
     * Stops and removes a cluster. Its volumes and the secrets their data was made with stay
     * unless {@code volumes} is set, so that {@code up} with the same name brings the data back.
     * The default backup repository always stays: it is what a deleted cluster is recovered from,
     * and a new incarnation archives beside it (under its own system identifier).
     */
    void delete(ClusterHome home, boolean volumes) {
        String name = home.name();
        stop(home);
        try (var entries = Files.list(home.dir())) {
            for (Path entry : entries.toList()) {
                String file = entry.getFileName().toString();
                boolean keep = !volumes && (file.equals("volumes") || file.equals("secrets") || file.equals("spec.yaml"));
                if (!keep && !file.equals("change.lock") && !file.equals("backups")) {
                    FileTree.delete(entry);
                }
            }
            if (volumes && Files.exists(home.backups())) {
                Files.deleteIfExists(home.dir().resolve("change.lock"));
                out.println("cluster " + name + " deleted with its volumes; its backups are kept in " + home.backups()
                        + " (remove them by hand when they are no longer needed)");
            } else if (volumes) {
                FileTree.delete(home.dir());
                out.println("cluster " + name + " deleted with its volumes");
            } else {
                // Durably: a crash must not bring back a cluster whose other files are gone already.
                DurableFiles.move(home.spec(), home.dir().resolve("spec.yaml.deleted"));
                out.println("cluster " + name + " deleted; volumes and secrets kept in " + home.dir()
                        + " (`pgset delete " + name + " --volumes` removes them)");
            }
        } catch (IOException e) {
            throw new PgsetException("cannot delete cluster " + name + ": " + IoMessages.describe(e), e);
        }
    }
}
