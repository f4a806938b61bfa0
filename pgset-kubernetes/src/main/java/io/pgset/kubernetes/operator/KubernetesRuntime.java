package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pgset.core.control.ClusterRuntime;
import io.pgset.core.control.PodState;
import io.pgset.core.control.VolumeState;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PodName;
import io.pgset.kubernetes.ManifestRenderer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the controller's decisions on a StatefulSet. Kubernetes creates and recreates the
 * pods; this runtime decides how many there are ({@code replicas}, as the scale planner asks: one
 * ordinal at a time, or with {@code podManagementPolicy: Parallel} every missing one in a pass,
 * which the set's own Parallel policy then creates together), fences by deleting a pod at once,
 * and keeps the primary's name in an
 * annotation of the StatefulSet, where a restarted pod's instance manager also reads it.
 *
 * <p>Reads come from one look at the StatefulSet and its pods per pass ({@link #refresh}), so a
 * pass costs the API server two lists, not a request per pod and question.
 */
public final class KubernetesRuntime implements ClusterRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);

    /** On the StatefulSet: the pod last seen as the ready primary. */
    public static final String PRIMARY_ANNOTATION = "pgset.io/primary";
    /** The label the StatefulSet controller gives a pod: the revision of the template it was made from. */
    public static final String REVISION_LABEL = "controller-revision-hash";

    private final KubernetesClient client;
    private final String namespace;
    private final ClusterSpec spec;
    private final PodRemovals removals;
    private final PodIncarnations incarnations = new PodIncarnations();
    private final Map<String, PodFate> lastFate = new ConcurrentHashMap<>();
    /** The StatefulSet (null before it exists) and the cluster's pods, as last looked at. */
    private View view;
    /** The cluster's data claims as {@link #volumes()} last listed them; null before. */
    private volatile List<PersistentVolumeClaim> claims;

    private record View(StatefulSet set, List<Pod> pods) {}

    /** A pod's template revision, and the newer one its StatefulSet wants. */
    record Revisions(String has, String wanted) {}

    KubernetesRuntime(KubernetesClient client, String namespace, ClusterSpec spec, PodRemovals removals) {
        this.client = client;
        this.namespace = namespace;
        this.spec = spec;
        this.removals = removals;
    }

    ClusterSpec spec() {
        return spec;
    }

    /** Looks at the StatefulSet and the pods again: once at the start of each pass. */
    void refresh() {
        StatefulSet set = statefulSets().withName(spec.name()).get();
        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(ManifestRenderer.CLUSTER_LABEL, spec.name())
                .list().getItems().stream()
                .filter(p -> ordinal(p.getMetadata().getName()).isPresent())
                .toList();
        view = new View(set, pods);
        incarnations.listed(pods);
    }

    private View view() {
        if (view == null) {
            refresh();
        }
        return view;
    }

    @Override
    public List<PodState> pods() {
        return clusterPods().stream()
                .map(p -> new PodState(p.getMetadata().getName(), ordinal(p.getMetadata().getName()).orElseThrow(),
                        running(p), 0, host(p), ManifestRenderer.POSTGRES_PORT, ManifestRenderer.API_PORT))
                .sorted(Comparator.comparingInt(PodState::ordinal))
                .toList();
    }

    /** The cluster's pods, by the names the StatefulSet gives them. */
    List<Pod> clusterPods() {
        return view().pods();
    }

    /** Scheduled, started and not being deleted; whether postgres in it is any good, the instance says. */
    private static boolean running(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && "Running".equals(pod.getStatus().getPhase());
    }

    /** The pod's IP, or its stable DNS name under the headless Service while it has none. */
    private String host(Pod pod) {
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        return ip != null && !ip.isEmpty() ? ip
                : pod.getMetadata().getName() + "." + spec.name() + "." + namespace + ".svc";
    }

    OptionalInt ordinal(String podName) {
        return PodName.ordinalIn(spec.name(), podName);
    }

    @Override
    public List<VolumeState> volumes() {
        return listClaims().stream()
                .map(PersistentVolumeClaim::getMetadata)
                .filter(m -> m.getDeletionTimestamp() == null)
                .map(m -> new VolumeState(m.getName(), PodName.volumeOrdinalIn(spec.name(), m.getName()).getAsInt(),
                        "pvc/" + m.getName()))
                .sorted(Comparator.comparingInt(VolumeState::ordinal))
                .toList();
    }

    /** The cluster's data claims, listed now; kept for {@link #claimBytes}. */
    private List<PersistentVolumeClaim> listClaims() {
        List<PersistentVolumeClaim> listed = client.persistentVolumeClaims().inNamespace(namespace).list().getItems()
                .stream()
                .filter(c -> PodName.volumeOrdinalIn(spec.name(), c.getMetadata().getName()).isPresent())
                .toList();
        claims = listed;
        return listed;
    }

    /**
     * The capacity of the ordinal's data claim ({@link ClaimCapacity#bytes}), from the claims the
     * last {@link #volumes()} listed (at the end of the previous pass: a pass lists them once), or
     * listed now the first time; empty when it has no claim.
     */
    OptionalLong claimBytes(int ordinal) {
        List<PersistentVolumeClaim> known = claims == null ? listClaims() : claims;
        String name = spec.volumeName(ordinal);
        return known.stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .map(ClaimCapacity::bytes).orElse(OptionalLong.empty());
    }

    @Override
    public Optional<String> recordedPrimary() {
        return Optional.ofNullable(view().set()).flatMap(KubernetesRuntime::recordedPrimary);
    }

    /** The primary recorded on this StatefulSet, as the operator and the pods' instances read it. */
    public static Optional<String> recordedPrimary(StatefulSet set) {
        return Optional.ofNullable(set.getMetadata().getAnnotations())
                .map(a -> a.get(PRIMARY_ANNOTATION))
                .filter(name -> !name.isEmpty());
    }

    /**
     * A merge patch of the one annotation, with no resourceVersion: the StatefulSet controller
     * writes the set's status whenever a pod changes, which is exactly when a failover records its
     * primary, and a read-modify-write would then fail with a conflict and leave the cluster
     * without a writable primary for another pass. Nothing else writes this annotation.
     */
    @Override
    public void recordPrimary(String pod) {
        String patch = client.getKubernetesSerialization().asJson(
                Map.of("metadata", Map.of("annotations", Map.of(PRIMARY_ANNOTATION, pod))));
        StatefulSet edited = statefulSets().withName(spec.name())
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        view = new View(edited, view().pods());
    }

    /**
     * Kubernetes makes the pod; this makes sure the StatefulSet asks for it. A pod that exists in
     * the StatefulSet already (deleted, being recreated) needs nothing: its instance manager
     * finds its volume and the recorded primary, and the controller makes it follow. Several in one
     * pass each read the set afresh, so one never lowers what another raised.
     */
    @Override
    public void createPod(int ordinal, Optional<PodState> upstream, boolean newDatabase) {
        StatefulSet set = statefulSet();
        if (set == null) {
            throw new IllegalStateException("StatefulSet " + namespace + "/" + spec.name() + " does not exist yet");
        }
        int replicas = Objects.requireNonNullElse(set.getSpec().getReplicas(), 0);
        if (replicas < ordinal + 1) {
            statefulSets().withName(spec.name()).scale(ordinal + 1);
        }
    }

    /**
     * Scale-down: the StatefulSet shrinks past the pod (the scale planner removes the highest
     * ordinal only). Any other pod is deleted gracefully and Kubernetes recreates it.
     */
    @Override
    public void deletePod(PodState pod) {
        StatefulSet set = statefulSet();
        int replicas = set == null ? 0 : Objects.requireNonNullElse(set.getSpec().getReplicas(), 0);
        if (set != null && pod.ordinal() >= spec.instances()) {
            // Ordered, as a StatefulSet scales down: the next ordinal goes only once the one above is
            // gone, not while it is still stopping (the set's Parallel policy would stop them together).
            boolean aboveStillThere = clusterPods().stream()
                    .anyMatch(p -> ordinal(p.getMetadata().getName()).orElse(-1) > pod.ordinal());
            if (aboveStillThere) {
                return;
            }
            if (replicas > pod.ordinal()) {
                statefulSets().withName(spec.name()).scale(pod.ordinal());
            } // else the StatefulSet controller is removing it already
        } else {
            client.pods().inNamespace(namespace).withName(pod.name()).delete();
        }
    }

    /** Deleted at once, with no grace period: its postgres gets no chance to accept another write. */
    @Override
    public void fence(String pod) {
        client.pods().inNamespace(namespace).withName(pod).withGracePeriod(0).delete();
    }

    /**
     * A pod deleted on a node the API server cannot reach goes on running; its instance stops
     * postgres by itself once it has heard from neither the API server nor its replicas for the
     * isolation window ({@link io.pgset.kubernetes.pod.PodInstance#SELF_FENCE_WITHIN}). A failover
     * waits that long (and a second more) after the primary was last seen, so that no two primaries
     * take writes at once, unless the primary's pod is proven stopped ({@link #fenceSettles(String)}).
     */
    @Override
    public java.time.Duration fenceSettles() {
        return io.pgset.kubernetes.pod.PodInstance.SELF_FENCE_WITHIN.plusSeconds(1);
    }

    /** No wait when the pod is proven to run no postgres any more ({@link PodFate}); else {@link #fenceSettles()}. */
    @Override
    public java.time.Duration fenceSettles(String lostPrimary) {
        PodFate fate = fate(lostPrimary);
        if (!fate.equals(lastFate.put(lostPrimary, fate))) {
            LOG.info("cluster={}/{} pod={} the recorded primary's pod: {} ({})", namespace, spec.name(), lostPrimary,
                    fate.fate(), fate.reason());
        }
        return fate.proven() ? java.time.Duration.ZERO : fenceSettles();
    }

    /** What is known of whether the pod still runs, from this pass's look and the removals watched. */
    PodFate fate(String podName) {
        Optional<Pod> listed = view().pods().stream().filter(p -> p.getMetadata().getName().equals(podName)).findFirst();
        return PodFate.of(listed, incarnations.vouching(podName, listed, removals.last(podName)));
    }

    @Override
    public void deleteVolume(int ordinal) {
        client.persistentVolumeClaims().inNamespace(namespace).withName(spec.volumeName(ordinal)).delete();
    }

    /** The pod's template is older than the StatefulSet's; empty when they agree or either is unknown. */
    Optional<Revisions> outdated(String podName) {
        StatefulSet set = view().set();
        String wanted = set == null || set.getStatus() == null ? null : set.getStatus().getUpdateRevision();
        String has = view().pods().stream().filter(p -> p.getMetadata().getName().equals(podName)).findFirst()
                .map(p -> p.getMetadata().getLabels().get(REVISION_LABEL)).orElse(null);
        if (wanted == null || has == null || has.equals(wanted)) {
            return Optional.empty();
        }
        return Optional.of(new Revisions(has, wanted));
    }

    void deletePodNamed(String podName) {
        client.pods().inNamespace(namespace).withName(podName).delete();
    }

    /** Fresh, for decisions that change it. */
    private StatefulSet statefulSet() {
        return statefulSets().withName(spec.name()).get();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<StatefulSet, io.fabric8.kubernetes.api.model.apps.StatefulSetList,
            io.fabric8.kubernetes.client.dsl.RollableScalableResource<StatefulSet>> statefulSets() {
        return client.apps().statefulSets().inNamespace(namespace);
    }
}
