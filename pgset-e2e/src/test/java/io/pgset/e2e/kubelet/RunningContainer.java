package io.pgset.e2e.kubelet;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A started container: {@code process} is the launcher's process, whose only child is the
 * container's first process (pid 1 of its own pid namespace, so when it dies every process of the
 * container dies with it, as in a container runtime).
 */
final class RunningContainer {

    private final Process process;
    private final String id;

    RunningContainer(Process process, String id) {
        this.process = process;
        this.id = id;
    }

    /** Like a container runtime's container ID, for containerStatuses. */
    String id() {
        return id;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Its exit code, once it has exited. */
    Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** SIGTERM to the container's first process; SIGKILL when it has not exited within {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        if (!grace.isZero()) {
            firstProcess().ifPresent(ProcessHandle::destroy);
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        kill();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGKILL to the container's first process, which takes every process of the container with it. */
    void kill() {
        firstProcess().ifPresent(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private Optional<ProcessHandle> firstProcess() {
        return process.toHandle().children().findFirst();
    }
}
