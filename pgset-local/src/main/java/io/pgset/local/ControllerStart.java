package io.pgset.local;

import io.pgset.instance.Poll;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a command starts a cluster's controller and waits until it answers: in the JVM the command
 * started warm while it prepared the cluster's files ({@link WarmInstances#give}), else in a new one.
 *
 * @param pgsetHome the pgset home the cluster is in
 * @param launcher  how the controller's process is started
 * @param out       where the start is said
 * @param every     the pause between two looks at the controller
 */
record ControllerStart(Path pgsetHome, Launcher launcher, PrintStream out, Duration every) {

    /** A warm controller JVM this {@code up} will not hand over: stopped before anything is removed. */
    static void stopWarm(Process warm) {
        warm.destroyForcibly();
        Processes.awaitExit(warm.toHandle(), Duration.ofSeconds(10));
    }

    /** Starts the controller: the warm JVM when it can take over, else a new process. */
    void start(ClusterHome home, ControllerClient controller, Optional<Process> warm) throws IOException {
        out.println("cluster " + home.name() + ": starting controller");
        Files.deleteIfExists(home.controllerFile());
        List<String> args = ControllerClient.daemonArgs(pgsetHome, home);
        Optional<Process> warmed = warm.flatMap(w -> WarmInstances.give(w, args, home.controllerLog()));
        Process process = warmed.isPresent() ? warmed.get() : launcher.start(args, home.controllerLog());
        boolean answered = CommandPoll.until(Duration.ofSeconds(30), every, () -> {
            if (controller.status().isPresent()) {
                return true;
            }
            if (!process.isAlive() && !controller.running()) {
                throw new Poll.GiveUp(new PgsetException("the controller of " + home.name() + " exited at start; see "
                        + home.controllerLog()));
            }
            return false;
        });
        if (!answered) {
            throw new PgsetException("the controller of " + home.name() + " did not answer within 30 s; see "
                    + home.controllerLog());
        }
    }
}
