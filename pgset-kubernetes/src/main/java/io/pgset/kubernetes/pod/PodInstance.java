package io.pgset.kubernetes.pod;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecException;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.ApiErrors;
import io.pgset.instance.InstanceMain;
import io.pgset.instance.InstanceOptions;
import io.pgset.instance.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code pgset instance} in a pod of the cluster's StatefulSet: the pod's instance manager. It
 * reads the spec, secrets and init SQL the pod mounts, asks the API server which pod is the
 * recorded primary and where it is ({@link PodStart}), then runs the same instance manager as
 * the local runtime, listening on the pod's address, with an {@link IsolationGuard} beside it.
 * It archives into the repositories {@link PodBackups} says the pod mounts; a new cluster's
 * first instance bootstrapped by recovery restores from the source's ({@link RestoreSources}).
 */
public final class PodInstance implements AutoCloseable {

    /** Any address may connect; the NetworkPolicy and every rule's password or certificate keep others out. */
    public static final List<String> PEERS = List.of("0.0.0.0/0", "::/0");
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** How long one look at the API server may take before it counts as no answer. */
    public static final Duration API_TIMEOUT = Duration.ofSeconds(2);
    /**
     * An isolated primary has stopped postgres by then, counted from its last word with the API
     * server: the isolation window, then at most one period and one look that times out, and an
     * immediate shutdown (a second, with room to spare).
     */
    public static final Duration SELF_FENCE_WITHIN = IsolationGuard.ISOLATION.plus(IsolationGuard.PERIOD)
            .plus(API_TIMEOUT).plus(API_TIMEOUT).plusSeconds(1);

    /**
     * @param cluster  the cluster's name (the StatefulSet's)
     * @param volume   the mounted volume claim
     * @param secrets  the mounted Secrets, one file each
     * @param specFile the mounted {@code <cluster>-spec} ConfigMap's spec, read again at each reload
     * @param initSql  the mounted {@code <cluster>-init} ConfigMap's script, run once by a new database
     * @param port     postgres's port (5432 in a pod)
     * @param apiPort  the instance API's port (8008 in a pod)
     */
    public record Settings(String cluster, Path volume, Path secrets, Path specFile, Optional<Path> initSql, int port,
                           int apiPort) {}

    private final InstanceMain.Running running;
    private final IsolationGuard guard;

    private PodInstance(InstanceMain.Running running, IsolationGuard guard) {
        this.running = running;
        this.guard = guard;
    }

    /**
     * Waits (saying why) until the pod knows how to start, then starts it.
     *
     * @throws IllegalArgumentException when the spec is not this cluster's
     */
    public static PodInstance start(Settings settings, PodIdentity self, KubernetesClient client, Consumer<String> log)
            throws Exception {
        ClusterSpec spec = SpecReader.read(settings.specFile());
        if (!spec.name().equals(settings.cluster())) {
            throw new IllegalArgumentException("the spec in " + settings.specFile() + " is cluster " + spec.name()
                    + "'s, not " + settings.cluster() + "'s; mount the " + settings.cluster() + "-spec ConfigMap");
        }
        ClusterLookup lookup = new ClusterLookup(client, self.namespace(), settings.cluster());
        Start start = awaitStart(settings, self, lookup, log);
        log.accept("pod=" + self.name() + " starting " + start.upstream().map(u -> "as a replica of " + u)
                .orElse(start.newDatabase() ? "on its own (a new cluster's first instance)" : "as the recorded primary"));
        InstanceOptions options = new InstanceOptions(spec, self.ordinal(), self.ip(), settings.port(),
                settings.apiPort(), settings.volume(), settings.secrets(), start.upstream(), start.newDatabase(),
                Optional.of(settings.specFile()), self.namespace(), PEERS, settings.initSql(), Optional.empty(),
                Optional.empty(), Optional.of(PodBackups.CREDENTIALS_MOUNT));
        options = withBackups(options, lookup::cluster);
        options.restoreSource().ifPresent(r -> log.accept("pod=" + self.name() + " restoring from cluster " + r.stanza()
                + "'s repository " + r.repository().name()));
        StalePidFile.removeBeforeFirstStart(options.pgdata()).ifPresent(pid -> log.accept("pod=" + self.name()
                + " removed the postmaster.pid (pid " + pid + ") an earlier container left on the volume"));
        InstanceMain.Running running = InstanceMain.start(options);
        IsolationGuard guard = new IsolationGuard(lookup, running.manager(), self, settings.port(), System::nanoTime,
                what -> log.accept("pod=" + self.name() + " " + what));
        guard.start();
        return new PodInstance(running, guard);
    }

    /**
     * {@code spec.backup} and {@code spec.bootstrap.recovery} as a pod applies them: posix
     * repositories without a path on the mounted claim, and, for a new cluster's first instance
     * only, a restore from the source cluster's repository as its spec describes it (read when
     * the restore begins), its default posix one on the source's claim that the StatefulSet mounts.
     *
     * @param clusters a cluster's spec by name in the namespace; empty when it does not exist
     * @throws IllegalArgumentException naming the field of spec.bootstrap.recovery.source to change
     */
    static InstanceOptions withBackups(InstanceOptions options, Function<String, Optional<ClusterSpec>> clusters) {
        InstanceOptions with = options.withBackups(PodBackups.defaultRepository());
        Optional<ClusterSpec.RecoverySpec> recovery = options.spec().bootstrap().recovery();
        if (!options.newDatabase() || recovery.isEmpty()) {
            return with;
        }
        String source = recovery.get().source().cluster();
        Optional<ClusterSpec> sourceSpec;
        try {
            sourceSpec = clusters.apply(source);
        } catch (SpecException e) {
            throw new IllegalArgumentException("spec.bootstrap.recovery.source.cluster: the spec of PostgresCluster "
                    + options.namespace() + "/" + source + " is invalid, so its repository is unknown; fix it first: "
                    + e.getMessage(), e);
        }
        return with.withRestoreSource(RestoreSources.restoreSource(recovery.get(), sourceSpec));
    }

    /** How the pod starts, once it knows: as a replica of {@code upstream}, or on its own. */
    private record Start(Optional<InstanceOptions.Endpoint> upstream, boolean newDatabase) {}

    /**
     * Asks the API server every {@link #RETRY}, for as long as it takes, until the pod knows how to
     * start: the primary is recorded and has an address. Each new reason to wait is said once.
     */
    private static Start awaitStart(Settings settings, PodIdentity self, ClusterLookup lookup, Consumer<String> log)
            throws InterruptedException {
        AtomicReference<Start> start = new AtomicReference<>();
        AtomicReference<String> said = new AtomicReference<>("");
        Poll.until(Poll.FOREVER, RETRY, () -> {
            String why;
            try {
                PodStart decided = PodStart.decide(settings.cluster(), self, lookup.recordedPrimary());
                Optional<String> ip = decided.upstream().flatMap(lookup::address);
                if (decided.waitReason().isEmpty() && (decided.upstream().isEmpty() || ip.isPresent())) {
                    start.set(new Start(ip.map(address -> new InstanceOptions.Endpoint(address, settings.port())),
                            decided.newDatabase()));
                    return true;
                }
                why = decided.waitReason().orElseGet(() -> "the primary " + decided.upstream().orElseThrow()
                        + " has no address yet");
            } catch (RuntimeException e) {
                why = "cannot read StatefulSet " + self.namespace() + "/" + settings.cluster() + " and its pods: "
                        + ApiErrors.describe(e);
            }
            if (!why.equals(said.getAndSet(why))) {
                log.accept("pod=" + self.name() + " waiting: " + why);
            }
            return false;
        });
        return start.get();
    }

    public io.pgset.instance.InstanceManager manager() {
        return running.manager();
    }

    @Override
    public void close() {
        guard.close();
        running.close();
    }
}
