package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Keeps one (regular) container of a pod running as a kubelet does, advanced by {@link #tick}:
 * starts it, runs its startup probe until it passes, then its readiness and liveness probes each
 * at its period; restarts it (restartCount + 1) when it exits or fails its startup or liveness
 * probe past the failure threshold, after a back-off that doubles from 1 s to 10 s (the kubelet's
 * starts at 10 s and goes to 5 minutes, too slow for tests).
 */
final class ContainerSupervisor {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Container container;
    private final Supplier<ContainerLaunch> launch;
    private final ContainerLauncher launcher;
    private final Supplier<String> podIp;

    private RunningContainer running;
    private Instant runningSince;
    private int restartCount;
    private Integer lastExitCode;
    private Instant notBefore = Instant.MIN;
    private Duration backoff = FIRST_BACKOFF;
    private boolean started;
    private boolean ready;
    private final ProbeState startup = new ProbeState();
    private final ProbeState readiness = new ProbeState();
    private final ProbeState liveness = new ProbeState();
    private String waitingReason = "ContainerCreating";
    private String waitingMessage;

    ContainerSupervisor(Container container, Supplier<ContainerLaunch> launch, ContainerLauncher launcher,
                        Supplier<String> podIp) {
        this.container = container;
        this.launch = launch;
        this.launcher = launcher;
        this.podIp = podIp;
    }

    /** Does what is due now; returns whether anything the status shows changed. */
    boolean tick(Instant now) throws InterruptedException {
        ContainerView before = view();
        if (running == null) {
            if (!now.isBefore(notBefore)) {
                start(now);
            }
        } else if (!running.alive()) {
            exited(now, running.exitCode().orElse(-1));
        } else {
            probe(now);
        }
        return !view().equals(before);
    }

    private void start(Instant now) {
        try {
            running = launcher.launch(launch.get());
            runningSince = now;
            started = container.getStartupProbe() == null;
            ready = false;
            startup.reset(container.getStartupProbe(), now);
            readiness.reset(container.getReadinessProbe(), now);
            liveness.reset(container.getLivenessProbe(), now);
            waitingReason = null;
            waitingMessage = null;
        } catch (IOException | RuntimeException e) {
            waitingReason = "CreateContainerError";
            waitingMessage = e.getMessage();
            notBefore = now.plus(backoff);
            backoff = min(backoff.multipliedBy(2));
        }
    }

    private void exited(Instant now, int exitCode) {
        lastExitCode = exitCode;
        restartCount++;
        running = null;
        started = false;
        ready = false;
        waitingReason = "CrashLoopBackOff";
        waitingMessage = "back-off " + backoff.toSeconds() + "s restarting failed container " + container.getName();
        notBefore = now.plus(backoff);
        backoff = min(backoff.multipliedBy(2));
    }

    private void probe(Instant now) throws InterruptedException {
        if (!started) {
            ProbeState.Outcome outcome = startup.runIfDue(now, () -> succeeds(container.getStartupProbe()));
            if (outcome == ProbeState.Outcome.PASSED) {
                started = true;
            } else if (outcome == ProbeState.Outcome.FAILED) {
                restart(now);
            }
            return;
        }
        if (container.getReadinessProbe() == null) {
            ready = true;
        } else {
            ProbeState.Outcome outcome = readiness.runIfDue(now, () -> succeeds(container.getReadinessProbe()));
            if (outcome != ProbeState.Outcome.NOT_DUE && outcome != ProbeState.Outcome.UNDECIDED) {
                ready = outcome == ProbeState.Outcome.PASSED;
            }
        }
        if (liveness.runIfDue(now, () -> succeeds(container.getLivenessProbe())) == ProbeState.Outcome.FAILED) {
            restart(now);
        }
    }

    private boolean succeeds(Probe probe) {
        return Prober.succeeds(probe, container, podIp.get());
    }

    /** A failed startup or liveness probe: the kubelet stops the container (grace 30 s by default here) and starts it anew. */
    private void restart(Instant now) throws InterruptedException {
        running.stop(Duration.ofSeconds(30));
        exited(now, running == null ? -1 : running.exitCode().orElse(-1));
    }

    /** Stops the container, SIGKILL after {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        if (running != null) {
            running.stop(grace);
        }
    }

    /**
     * What a stopped pod's status shows for this container: terminated with its exit code (137 when
     * it was killed), or never started; the kubelet reports it before it finishes the deletion.
     */
    ContainerView stoppedView(Instant now) {
        if (running == null) {
            return view();
        }
        return ContainerView.terminated(container.getName(), container.getImage(), running.id(), restartCount,
                running.exitCode().orElse(137), now.toString());
    }

    ContainerView view() {
        String image = container.getImage();
        if (running == null) {
            return ContainerView.waiting(container.getName(), image, restartCount, waitingReason, waitingMessage, lastExitCode);
        }
        return ContainerView.running(container.getName(), image, running.id(), restartCount, runningSince.toString(),
                started, ready && started, lastExitCode);
    }

    private static Duration min(Duration backoff) {
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }
}
