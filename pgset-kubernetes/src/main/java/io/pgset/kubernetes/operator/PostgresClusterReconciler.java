package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.pgset.core.control.ClusterController;
import io.pgset.core.control.InstanceClient;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ConditionType;
import io.pgset.core.model.Conditions;
import io.pgset.core.model.Phase;
import io.pgset.core.spec.SpecException;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.metrics.ClusterMetrics;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.api.BackupStatus;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.api.PostgresClusterStatus;
import io.pgset.kubernetes.model.NetworkPolicyRenderer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one PostgresCluster: its objects as rendered, then one pass of the same HA
 * controller the local runtime runs (over {@link KubernetesRuntime}), then role labels from what
 * the instances report, then scheduled backups ({@link BackupScheduler}), then status (with each
 * pod's volume, {@link PublishedVolumes}). Instances are polled, so a pass is rescheduled every second
 * (a quarter second while the controller is acting).
 *
 * <p>An invalid spec creates nothing: the status says what is wrong (condition SpecInvalid). A
 * cluster that already runs keeps running, and failing over, on the last valid spec, which
 * the {@code <name>-spec} ConfigMap holds.
 */
@ControllerConfiguration(name = "postgrescluster")
public final class PostgresClusterReconciler implements Reconciler<PostgresCluster> {

    static final Duration PACE = Duration.ofSeconds(1);
    static final Duration PACE_ACTING = Duration.ofMillis(250);

    private static final Logger LOG = LoggerFactory.getLogger(PostgresClusterReconciler.class);

    private final KubernetesClient client;
    private final ClusterObjects objects;
    private final VolumeResize volumes;
    private final Function<PostgresCluster, InstanceClient> instances;
    private final Clock clock;
    /** One controller per cluster (by uid), for what it remembers between passes. */
    private final Map<String, Managed> managed = new ConcurrentHashMap<>();

    private record Managed(KubernetesRuntime runtime, ClusterController controller, BackupScheduler backups) {}

    /** Per cluster (by uid): the watch of its pods' removals, kept across spec changes. */
    private final Map<String, PodRemovals> removals = new ConcurrentHashMap<>();

    /** Per cluster (by uid): what its last pass saw, for the operator's metrics. */
    private final Map<String, ClusterMetrics.Figures> figures = new ConcurrentHashMap<>();

    static final Duration REAPPLY = Duration.ofSeconds(30);
    /** Per cluster (by uid): the spec its objects were last applied for, and when. */
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();

    private record Applied(ClusterSpec spec, java.time.Instant at) {}

    /** When entries of deleted clusters were last dropped. */
    private volatile java.time.Instant pruned = java.time.Instant.MIN;

    public PostgresClusterReconciler(KubernetesClient client, String image,
                                     Function<PostgresCluster, InstanceClient> instances, Clock clock) {
        this.client = client;
        this.objects = new ClusterObjects(client, image, new java.security.SecureRandom(), clock);
        this.volumes = new VolumeResize(client);
        this.instances = instances;
        this.clock = clock;
    }

    @Override
    public UpdateControl<PostgresCluster> reconcile(PostgresCluster resource, Context<PostgresCluster> context) {
        forgetDeleted(context);
        String namespace = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        ClusterSpec spec;
        SpecException invalid = null;
        try {
            spec = Specs.read(resource);
            try {
                applyObjects(resource, spec);
            } catch (KubernetesClientException e) {
                // A refused apply (RBAC, quota, a webhook) is tried again next pass; the instances
                // that run are supervised meanwhile, failover included.
                LOG.warn("cluster={}/{} cannot apply its objects, trying again: {}", namespace, name, e.getMessage());
            }
        } catch (SpecException e) {
            invalid = e;
            Optional<ClusterSpec> running = lastApplied(namespace, name);
            if (running.isEmpty()) {
                LOG.warn("cluster={}/{} spec invalid, nothing created: {}", namespace, name, e.getMessage());
                return status(resource, invalidStatus(resource, e), Optional.empty());
            }
            spec = running.get();
        }
        ClusterSpec wanted = spec;
        Managed m = managed.compute(resource.getMetadata().getUid(), (uid, known) -> {
            if (known != null && known.runtime().spec().equals(wanted)) {
                return known;
            }
            KubernetesRuntime runtime = new KubernetesRuntime(client, namespace, wanted,
                    removals.computeIfAbsent(uid, u -> new PodRemovals(client, namespace, name)));
            InstanceClient podInstances = new PodAwareInstanceClient(instances.apply(resource), runtime);
            KubernetesEvents events = new KubernetesEvents(client, resource, clock);
            ClusterController controller = new ClusterController(runtime, podInstances, events, clock);
            BackupScheduler backups = new BackupScheduler(name, podInstances, events, clock);
            // What the old ones remember (a switchover in flight, a backup) goes on under the new spec.
            if (known != null) {
                controller.takeOver(known.controller());
                backups.takeOver(known.backups());
            } else { // a new operator, or one restarted: what it published tells which crossings were told
                controller.storageLevelsPublished(PublishedVolumes.levels(resource.getStatus()));
            }
            return new Managed(runtime, controller, backups);
        });
        m.runtime().refresh();
        ClusterStatus status = m.controller().reconcile(spec);
        if (m.controller().acted()) {
            m.runtime().refresh(); // pods may have gone or come
        }
        labelRoles(m.runtime(), status);
        figures.put(resource.getMetadata().getUid(), ClusterMetrics.Figures.of(status, m.controller().counters(), namespace));
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        BackupStatus backup = m.backups().pass(resource.getStatus() == null ? null : resource.getStatus().backup, spec,
                status, m.runtime().pods(), annotations == null ? Map.of() : annotations);
        PostgresClusterStatus published = published(resource, status, invalid);
        published.backup = backup;
        return status(resource, published, Optional.of(m.controller().acted() ? PACE_ACTING : PACE));
    }

    /** Stops watching every cluster's pods. */
    void close() {
        removals.values().forEach(PodRemovals::close);
        removals.clear();
    }

    /**
     * Drops, every {@link #REAPPLY}, what is kept for clusters that no longer exist (their
     * controllers and last applied specs): a deleted cluster is never reconciled again, and the
     * operator keeps no finalizer on it just to hear of its deletion.
     */
    private void forgetDeleted(Context<PostgresCluster> context) {
        java.time.Instant now = clock.instant();
        if (now.isBefore(pruned.plus(REAPPLY))) {
            return;
        }
        pruned = now;
        java.util.Set<String> live = context.getPrimaryCache().list()
                .map(c -> c.getMetadata().getUid())
                .collect(java.util.stream.Collectors.toSet());
        managed.keySet().retainAll(live);
        applied.keySet().retainAll(live);
        removals.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        figures.keySet().retainAll(live);
    }

    /** Every managed cluster's figures as its last pass left them; any thread. */
    java.util.Collection<ClusterMetrics.Figures> figures() {
        return List.copyOf(figures.values());
    }

    /**
     * The objects follow a new spec at once; otherwise they are checked every {@link #REAPPLY}
     * (someone may have changed or deleted one), not at every one-second pass.
     */
    private void applyObjects(PostgresCluster resource, ClusterSpec spec) {
        String uid = resource.getMetadata().getUid();
        Applied last = applied.get(uid);
        if (last != null && last.spec().equals(spec) && clock.instant().isBefore(last.at().plus(REAPPLY))
                && !volumes.recreating(resource.getMetadata().getNamespace(), spec.name())) {
            return;
        }
        // Claims first: a StatefulSet deleted to be made again with a larger claim template must not
        // be made anew by the other objects' apply, with no replicas.
        List<String> changed = new ArrayList<>(volumes.apply(resource.getMetadata().getNamespace(), spec));
        changed.addAll(objects.apply(resource, spec));
        applied.put(uid, new Applied(spec, clock.instant()));
        if (!changed.isEmpty()) {
            LOG.info("cluster={}/{} applied {}", resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName(), changed);
        }
        if (changed.contains("NetworkPolicy " + spec.name()) && !spec.network().given()) {
            new KubernetesEvents(client, resource, clock).record(KubernetesEvents.AppliedReason.NamespaceClients,
                    "postgres admits " + NetworkPolicyRenderer.clientsDescription(spec,
                            resource.getMetadata().getNamespace()));
        }
    }

    /** The spec the cluster's instances run, from the ConfigMap the operator last wrote. */
    private Optional<ClusterSpec> lastApplied(String namespace, String name) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name + "-spec").get();
        if (map == null || map.getData() == null || !map.getData().containsKey("spec.yaml")) {
            return Optional.empty();
        }
        return Optional.of(SpecReader.read(map.getData().get("spec.yaml")));
    }

    /**
     * {@code pgset.io/role}: primary on the ready primary only, replica on ready replicas, none on
     * anything else, so that {@code <name>-rw} never reaches a pod that is not the primary.
     */
    private void labelRoles(KubernetesRuntime runtime, ClusterStatus status) {
        Map<String, ClusterStatus.PodStatus> reported = new java.util.HashMap<>();
        status.pods().forEach(p -> reported.put(p.name(), p));
        for (Pod pod : runtime.clusterPods()) {
            String name = pod.getMetadata().getName();
            ClusterStatus.PodStatus p = reported.get(name);
            String role = null;
            if (name.equals(status.primary())) {
                role = "primary";
            } else if (p != null && p.ready() && "replica".equals(p.role())) {
                role = "replica";
            }
            String current = pod.getMetadata().getLabels().get(ManifestRenderer.ROLE_LABEL);
            if (Objects.equals(current, role)) {
                continue;
            }
            String labelled = role;
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(name).edit(e -> {
                if (labelled == null) {
                    e.getMetadata().getLabels().remove(ManifestRenderer.ROLE_LABEL);
                } else {
                    e.getMetadata().getLabels().put(ManifestRenderer.ROLE_LABEL, labelled);
                }
                return e;
            });
        }
    }

    private PostgresClusterStatus published(PostgresCluster resource, ClusterStatus s, SpecException invalid) {
        String message = invalid == null ? s.message()
                : "the spec is invalid, the cluster runs its last valid spec: " + invalid.getMessage();
        String said = message;
        message = volumes.problem(resource.getMetadata().getNamespace(), resource.getMetadata().getName())
                .map(why -> said.isEmpty() ? why : said + "; " + why).orElse(said);
        return publish(resource, s.withPhase(s.phase(), message), invalid);
    }

    /** Nothing runs: the status says why, and that is all. */
    private PostgresClusterStatus invalidStatus(PostgresCluster resource, SpecException e) {
        ClusterStatus nothing = new ClusterStatus(resource.getMetadata().getName(), Phase.DEGRADED, null, 0, 0,
                List.of(), List.of(), Map.of(), "the spec is invalid and nothing was created: " + e.getMessage(), null,
                null, List.of());
        PostgresClusterStatus status = publish(resource, nothing, e);
        status.instances = null; // no count to report: there is no valid spec
        status.readyInstances = null;
        return status;
    }

    /** The status as published, with the conditions core computes from it. */
    private PostgresClusterStatus publish(PostgresCluster resource, ClusterStatus s, SpecException invalid) {
        PostgresClusterStatus status = new PostgresClusterStatus();
        status.phase = s.phase().label();
        status.primary = s.primary();
        status.instances = s.instances();
        status.readyInstances = s.readyInstances();
        status.message = s.message();
        status.specVersion = s.specVersion();
        status.observedGeneration = resource.getMetadata().getGeneration();
        status.pods = PublishedVolumes.of(s, resource.getStatus() == null || resource.getStatus().pods == null
                ? List.of() : resource.getStatus().pods);
        status.storage = PublishedVolumes.fullest(status.pods).orElse(null);
        List<io.pgset.core.model.Condition> before = resource.getStatus() == null ? List.of()
                : resource.getStatus().conditions.stream().map(PostgresClusterReconciler::fromKubernetes)
                        .flatMap(Optional::stream).toList();
        Conditions.of(s, Optional.ofNullable(invalid).map(SpecException::getMessage), before, clock.instant())
                .forEach(c -> status.conditions.add(toKubernetes(c)));
        return status;
    }

    static Condition toKubernetes(io.pgset.core.model.Condition c) {
        return new ConditionBuilder().withType(c.type().name()).withStatus(c.status() ? "True" : "False")
                .withReason(c.reason()).withMessage(c.message()).withLastTransitionTime(c.lastTransitionTime())
                .build();
    }

    /** A condition published before; empty for one that is not (or no longer) in the set. */
    static Optional<io.pgset.core.model.Condition> fromKubernetes(Condition c) {
        return java.util.Arrays.stream(ConditionType.values()).filter(t -> t.name().equals(c.getType())).findFirst()
                .map(t -> new io.pgset.core.model.Condition(t, "True".equals(c.getStatus()), c.getReason(),
                        c.getMessage(), c.getLastTransitionTime()));
    }

    /** Patches status only when it changed: an unchanged cluster writes nothing. */
    private static UpdateControl<PostgresCluster> status(PostgresCluster resource, PostgresClusterStatus status,
                                                         Optional<Duration> again) {
        UpdateControl<PostgresCluster> control;
        if (sameStatus(resource.getStatus(), status)) {
            control = UpdateControl.noUpdate();
        } else {
            resource.setStatus(status);
            control = UpdateControl.patchStatus(resource);
        }
        again.ifPresent(control::rescheduleAfter);
        return control;
    }

    private static boolean sameStatus(PostgresClusterStatus a, PostgresClusterStatus b) {
        if (a == null) {
            return false;
        }
        return Objects.equals(a.phase, b.phase) && Objects.equals(a.primary, b.primary)
                && Objects.equals(a.instances, b.instances) && Objects.equals(a.readyInstances, b.readyInstances)
                && Objects.equals(a.message, b.message) && Objects.equals(a.specVersion, b.specVersion)
                && Objects.equals(a.observedGeneration, b.observedGeneration) && Objects.equals(a.conditions, b.conditions)
                && Objects.equals(a.backup, b.backup) && Objects.equals(a.pods, b.pods)
                && Objects.equals(a.storage, b.storage);
    }
}
