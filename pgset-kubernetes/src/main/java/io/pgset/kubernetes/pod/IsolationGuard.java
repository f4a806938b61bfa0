package io.pgset.kubernetes.pod;

import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.instance.InstanceManager;
import io.pgset.instance.InstanceOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The instance side of fencing in Kubernetes. The operator fences a lost primary by deleting its
 * pod, but a pod on a node cut off from the cluster keeps running after its API object is gone.
 * So a primary watches for itself, every {@link #PERIOD}:
 *
 * <ul>
 *   <li>when the API server names another pod as the recorded primary and that pod's postgres is
 *       a primary on a higher timeline (promoted after this one), this one is a primary too many:
 *       it demotes itself and follows that pod (rewinding its data). The timelines, not the
 *       record alone, decide: a record is written just after a promotion, so a new primary may
 *       briefly read the record of the one before it;</li>
 *   <li>when the API server has not answered for {@link #ISOLATION}, it stays the primary only
 *       while every other pod it last knew of streams from it and keeps answering (a promoted
 *       standby stops streaming; one cut off stops answering): otherwise the operator may have
 *       promoted another instance, and it stops postgres at once and keeps it stopped;</li>
 *   <li>once the API server answers again, a stopped instance starts again as the primary if it is
 *       still the recorded one, else as a replica of the recorded primary.</li>
 * </ul>
 *
 * A single-instance cluster has nobody to promote, so it never stops itself. The check is local
 * (pg_stat_replication), so an API server outage alone never stops a healthy cluster's primary.
 */
final class IsolationGuard implements AutoCloseable {

    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration ISOLATION = Duration.ofSeconds(10);

    private final ClusterLookup lookup;
    private final InstanceManager manager;
    private final PodIdentity self;
    private final int port;
    private final Clock clock;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean stopping;
    /** When the API server or a peer last answered. */
    private Instant lastContact;
    /** The other pods as last listed, who must all stream from this primary while the API server is silent. */
    private List<String> peers = List.of();

    IsolationGuard(ClusterLookup lookup, InstanceManager manager, PodIdentity self, int port, Clock clock,
                   Consumer<String> log) {
        this.lookup = lookup;
        this.manager = manager;
        this.self = self;
        this.port = port;
        this.clock = clock;
        this.log = log;
        this.lastContact = clock.instant();
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
        Optional<ClusterLookup.Snapshot> seen = look();
        if (seen.isPresent()) {
            lastContact = clock.instant();
            act(seen.get());
            return;
        }
        if (manager.held() || peers.isEmpty() || manager.status().role() != Role.PRIMARY) {
            return;
        }
        if (allPeersStream()) {
            lastContact = clock.instant();
            return;
        }
        Duration silent = Duration.between(lastContact, clock.instant());
        if (silent.compareTo(ISOLATION) >= 0) {
            manager.hold("isolated: the API server has not answered for " + silent.toSeconds() + " s and not every"
                    + " peer streams from this primary, so the operator may have promoted another; postgres stays"
                    + " stopped until the API server answers again");
        }
    }

    private Optional<ClusterLookup.Snapshot> look() {
        try {
            return Optional.of(lookup.read());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void act(ClusterLookup.Snapshot seen) throws IOException {
        peers = seen.pods().keySet().stream().filter(name -> !name.equals(self.name())).toList();
        Optional<String> recorded = seen.recordedPrimary();
        boolean another = recorded.isPresent() && !recorded.get().equals(self.name());
        if (manager.held()) {
            if (!another) {
                manager.release(Optional.empty(), "the API server answers again and " + self.name()
                        + " is still the recorded primary");
            } else if (seen.ip(recorded.get()).isPresent()) {
                manager.release(Optional.of(new InstanceOptions.Endpoint(seen.ip(recorded.get()).get(), port)),
                        recorded.get() + " is the primary now; rejoining as its replica");
            }
            return;
        }
        if (!another || seen.ip(recorded.get()).isEmpty()) {
            return;
        }
        InstanceStatus mine = manager.status();
        if (mine.role() != Role.PRIMARY) {
            return;
        }
        InstanceOptions.Endpoint other = new InstanceOptions.Endpoint(seen.ip(recorded.get()).get(), port);
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

    private boolean allPeersStream() {
        try {
            return manager.answeringStandbys().containsAll(peers);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
    }
}
