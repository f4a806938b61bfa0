package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.plan.FailoverGuarantee;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.Poll;
import io.pgset.instance.RestoreSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How {@code up}, {@code apply} and {@code scale} wait for the cluster: until the controller reports
 * it Healthy under exactly the spec they gave, showing progress, and giving up with what to do when
 * the rollout stalls, a recovery cannot start, or the controller stops.
 *
 * @param out   where progress and the outcome are printed
 * @param every the pause between two looks (each look waits for the controller's next status)
 */
record HealthyWait(PrintStream out, Duration every) {

    /** Waits until the controller reports the cluster Healthy under exactly this spec. */
    ClusterStatus await(ClusterHome home, ControllerClient controller, ClusterSpec spec, Duration timeout) {
        int instances = spec.instances();
        String version = SpecReader.version(spec);
        Progress progress = new Progress(out, home.name());
        long start = System.nanoTime();
        AtomicReference<ClusterStatus> seen = new AtomicReference<>();
        boolean healthy = CommandPoll.until(timeout, every, () -> {
            Optional<ClusterStatus> status = controller.nextStatus();
            if (status.isEmpty() && !controller.running()) {
                throw new Poll.GiveUp(new PgsetException("the controller of " + home.name() + " stopped; see "
                        + home.controllerLog()));
            }
            status.ifPresent(s -> {
                seen.set(s);
                progress.show(s);
            });
            Optional<ClusterStatus> stalled = status.filter(s -> version.equals(s.specVersion()) && !s.stalled().isEmpty());
            if (stalled.isPresent()) {
                throw new Poll.GiveUp(new PgsetException("the rollout of cluster " + home.name() + " makes no progress: "
                        + stalled.get().stalled() + wayBack(home) + ". See `pgset events " + home.name() + "`."));
            }
            Optional<String> restoreFailed = status.filter(s -> s.primary() == null || s.primary().isEmpty())
                    .flatMap(s -> s.pods().stream().map(ClusterStatus.PodStatus::message)
                            .filter(m -> m != null && m.contains(RestoreSource.FAILED)).findFirst());
            if (restoreFailed.isPresent()) {
                throw new Poll.GiveUp(new ClusterUp.RestoreFailedException("cluster " + home.name() + " cannot be created: "
                        + restoreFailed.get()));
            }
            return status.filter(s -> s.phase() == Phase.HEALTHY && version.equals(s.specVersion())
                    && s.pods().size() == instances).isPresent();
        });
        ClusterStatus last = seen.get();
        if (healthy) {
            out.printf("cluster %s is Healthy: %d/%d instances ready, primary %s (%.1f s)%n", home.name(),
                    last.readyInstances(), instances, last.primary(), (System.nanoTime() - start) / 1e9);
            out.println("  " + FailoverGuarantee.describe(spec, last.primary()));
            return last;
        }
        throw new PgsetException("cluster " + home.name() + " is not Healthy after " + timeout.toSeconds() + " s"
                + (last == null ? "" : " (phase " + last.phase().label() + ": " + last.message() + ")")
                + "; it keeps trying in the background. See `pgset events " + home.name() + "` and `pgset logs "
                + home.name() + "-0`.");
    }

    private static String wayBack(ClusterHome home) {
        return Files.exists(home.previousSpec())
                ? " (to go back: `pgset apply -f " + home.previousSpec() + "`)"
                : "";
    }
}
