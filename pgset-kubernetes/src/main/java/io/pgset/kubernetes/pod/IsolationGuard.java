package io.pgset.kubernetes.pod;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.instance.InstanceManager;
import io.pgset.instance.InstanceOptions;
import io.pgset.kubernetes.ApiErrors;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

/**
 * The instance side of fencing in Kubernetes. The operator fences a lost primary by deleting its
 * pod, but a pod on a node cut off from the cluster keeps running after its API object is gone.
 * So a primary watches for itself, every {@link #PERIOD}:
 *
 * <ul>
 *   <li>when the API server names another pod as the recorded primary and that pod's postgres is
 *       a primary on a higher timeline (promoted after this one), this one is a primary too many:
 *       it demotes itself and follows that pod (rewinding its data). The timelines, not the
 *       record alone, decide: a switchover's demoted primary and a record written around a
 *       promotion can each be briefly out of step;</li>
 *   <li>once the API server has not answered for {@link #ISOLATION}, nobody can tell it that
 *       another was promoted, and the operator may well have done so. Each period from then on, it
 *       stays up only while every other instance of the spec streams from it and keeps answering
 *       (a promoted standby stops streaming, one cut off stops answering); at the first period
 *       where one does not, it stops postgres at once and keeps it stopped. That holds for data
 *       that is a primary's whether postgres runs or not, so a crash does not bring it back;</li>
 *   <li>once the API server answers again, a stopped instance starts again as the primary if it is
 *       still the recorded one, else as a replica of the recorded primary.</li>
 * </ul>
 *
 * A single-instance cluster has nobody to promote, so it never stops itself; an API server
 * outage alone never stops a primary whose replicas all stream from it. Time is measured on the
 * monotonic clock, so a clock step does not stretch or shrink the window.
 */
final class IsolationGuard implements AutoCloseable {

    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration ISOLATION = Duration.ofSeconds(10);

    private final ClusterLookup lookup;
    private final InstanceManager manager;
    private final PodIdentity self;
    private final int port;
    private final LongSupplier nanos;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean stopping;
    /** When the API server last answered, on the monotonic clock. */
    private long lastContact;
    /** Why the API server was last not heard, to log each new reason once. */
    private String silence = "";

    IsolationGuard(ClusterLookup lookup, InstanceManager manager, PodIdentity self, int port, LongSupplier nanos,
                   Consumer<String> log) {
        this.lookup = lookup;
        this.manager = manager;
        this.self = self;
        this.port = port;
        this.nanos = nanos;
        this.log = log;
        this.lastContact = nanos.getAsLong();
        this.thread = new Thread(this::watch, "isolation-guard-" + self.name());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void watch() {
        while (!stopping) {
            try {
                tick();
            } catch (Exception e) {
                log.accept("isolation check failed: " + e.getMessage());
            }
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void tick() throws IOException {
        Optional<Optional<String>> seen = look();
        if (seen.isPresent()) {
            lastContact = nanos.getAsLong();
            act(seen.get());
            return;
        }
        Duration silent = Duration.ofNanos(nanos.getAsLong() - lastContact);
        if (stopping || manager.held() || silent.compareTo(ISOLATION) < 0 || manager.standbyData()) {
            return;
        }
        List<String> peers = peers(manager.spec());
        if (peers.isEmpty() || allStream(peers)) {
            return;
        }
        manager.hold("isolated: the API server has not answered for " + silent.toSeconds() + " s and not every"
                + " other instance streams from this primary, so the operator may have promoted another; postgres"
                + " stays stopped until the API server answers again");
    }

    /** The spec's other instances: a pod being recreated (no address, no API object) counts too. */
    private List<String> peers(ClusterSpec spec) {
        return IntStream.range(0, spec.instances()).mapToObj(spec::podName).filter(p -> !p.equals(self.name()))
                .toList();
    }

    /** The recorded primary (itself optional), or empty when the API server did not answer. */
    private Optional<Optional<String>> look() {
        try {
            Optional<String> recorded = lookup.recordedPrimary();
            if (!silence.isEmpty()) {
                log.accept("the API server answers again");
                silence = "";
            }
            return Optional.of(recorded);
        } catch (RuntimeException e) {
            String why = ApiErrors.describe(e);
            if (!why.equals(silence)) {
                log.accept("cannot read StatefulSet " + self.namespace() + "/" + manager.spec().name()
                        + " from the API server: " + why);
                silence = why;
            }
            return Optional.empty();
        }
    }

    private void act(Optional<String> recorded) throws IOException {
        boolean another = recorded.isPresent() && !recorded.get().equals(self.name());
        if (manager.held()) {
            if (!another) {
                manager.release(Optional.empty(), "the API server answers again and " + self.name()
                        + " is still the recorded primary");
            } else {
                Optional<String> ip = lookup.address(recorded.get());
                if (ip.isPresent()) {
                    manager.release(Optional.of(new InstanceOptions.Endpoint(ip.get(), port)),
                            recorded.get() + " is the recorded primary now; rejoining as its replica");
                }
            }
            return;
        }
        if (!another) {
            return;
        }
        InstanceStatus mine = manager.status();
        if (mine.role() != Role.PRIMARY) {
            return;
        }
        Optional<String> ip = lookup.address(recorded.get());
        if (ip.isEmpty()) {
            return;
        }
        InstanceOptions.Endpoint other = new InstanceOptions.Endpoint(ip.get(), port);
        try {
            OptionalLong theirs = manager.primaryTimeline(other);
            if (theirs.isPresent() && theirs.getAsLong() > mine.timeline()) {
                log.accept(recorded.get() + " is the recorded primary, on timeline " + theirs.getAsLong() + ", and "
                        + self.name() + " still a primary on timeline " + mine.timeline() + ": demoting " + self.name()
                        + " to follow it");
                manager.follow(other);
            }
        } catch (java.sql.SQLException e) {
            // The recorded primary does not answer: nothing proves this one is a primary too many.
        }
    }

    private boolean allStream(List<String> peers) {
        try {
            return manager.answeringStandbys().containsAll(peers);
        } catch (java.sql.SQLException e) {
            return false; // postgres is down: nobody streams from it
        }
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
