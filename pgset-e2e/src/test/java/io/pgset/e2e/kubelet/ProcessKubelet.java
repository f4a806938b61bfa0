package io.pgset.e2e.kubelet;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A kubelet for tests that runs pods as processes of this machine. It registers one Ready Node,
 * binds every unscheduled pod to it (there is no scheduler), and gives each pod a
 * {@link PodWorker}: its own network namespace and address on the pod network, its volumes as
 * directories, its containers as processes in their own mount and pid namespaces, chrooted into
 * their image's root filesystem ({@link ChrootLauncher}), as the pod's user,
 * probed and restarted as the pod spec says, with the pod's status patched as a kubelet does.
 * A deleted pod's containers get SIGTERM, then SIGKILL after its grace period; then the kubelet
 * finishes the deletion (grace 0), as a kubelet does.
 */
public final class ProcessKubelet implements AutoCloseable {

    private static final Duration SYNC = Duration.ofMillis(250);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final KubeletContext context;
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
    private final Thread sync;
    private volatile boolean closing;

    private ProcessKubelet(KubeletContext context) {
        this.context = context;
        this.sync = new Thread(this::syncLoop, "process-kubelet-sync");
        this.sync.setDaemon(true);
    }

    /**
     * Registers the node and starts syncing pods.
     *
     * @param root      where claims, pod volumes and logs go
     * @param images    what to run for each image reference: its root filesystem and jar
     * @param apiServer the API server's host and port, as pods reach it
     */
    public static ProcessKubelet start(KubernetesClient client, Path root, PodNetwork network, List<LocalImage> images,
                                       String apiServerHost, int apiServerPort) throws java.io.IOException {
        String nodeName = "kubelet-" + ProcessHandle.current().pid();
        KubeletContext context = new KubeletContext(client, nodeName, network,
                new PodVolumes(client, Files.createDirectories(root.resolve("claims"))),
                new NamespaceHosts(root.resolve("hosts")), new ChrootLauncher(),
                images.stream().collect(Collectors.toMap(LocalImage::reference, Function.identity())),
                Files.createDirectories(root.resolve("pods")), apiServerHost, apiServerPort);
        ProcessKubelet kubelet = new ProcessKubelet(context);
        kubelet.registerNode();
        kubelet.sync.start();
        return kubelet;
    }

    /** The directory that holds the claim's data (what a PersistentVolume would be). */
    public Path claimDirectory(String namespace, String claim) {
        return context.volumes().claim(namespace, claim);
    }

    /** Where a pod's container writes its output (for a test's failure message). */
    public Path containerLog(Pod pod, String container) {
        return context.podsDir().resolve(pod.getMetadata().getUid()).resolve(container + ".log");
    }

    public String nodeName() {
        return context.nodeName();
    }

    private void registerNode() {
        String now = Instant.now().toString();
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("8"), "memory", new Quantity("32Gi"),
                "pods", new Quantity("110"), "ephemeral-storage", new Quantity("100Gi"));
        Node node = new NodeBuilder()
                .withNewMetadata().withName(context.nodeName())
                .withLabels(Map.of("kubernetes.io/hostname", context.nodeName(), "kubernetes.io/os", "linux"))
                .endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("process kubelet is posting ready status").withLastHeartbeatTime(now)
                .withLastTransitionTime(now).endCondition()
                .addNewAddress().withType("InternalIP").withAddress(context.network().nodeAddress()).endAddress()
                .addNewAddress().withType("Hostname").withAddress(context.nodeName()).endAddress()
                .withCapacity(capacity).withAllocatable(capacity)
                .withNewNodeInfo().withArchitecture("amd64").withOperatingSystem("linux")
                .withKubeletVersion("process-kubelet").withContainerRuntimeVersion("pgset-kubelet://1")
                .withBootID("").withKernelVersion("").withKubeProxyVersion("").withMachineID("")
                .withOsImage("").withSystemUUID("").endNodeInfo()
                .endStatus()
                .build();
        context.client().nodes().resource(node).create();
        context.client().nodes().resource(node).updateStatus();
    }

    private void syncLoop() {
        while (!closing) {
            try {
                syncOnce();
            } catch (RuntimeException e) {
                System.out.println("process kubelet: sync failed, trying again: " + e);
            }
            try {
                Thread.sleep(SYNC.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void syncOnce() {
        Set<String> present = new HashSet<>();
        for (Pod pod : context.client().pods().inAnyNamespace().list().getItems()) {
            String uid = pod.getMetadata().getUid();
            boolean deleting = pod.getMetadata().getDeletionTimestamp() != null;
            if (pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty()) {
                if (!deleting) {
                    bind(pod);
                }
                continue;
            }
            if (!context.nodeName().equals(pod.getSpec().getNodeName())) {
                continue;
            }
            present.add(uid);
            PodWorker worker = workers.get(uid);
            if (deleting) {
                if (worker != null) {
                    Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
                    worker.stop(Duration.ofSeconds(grace == null ? 30 : grace));
                }
                if (worker == null || worker.finished()) {
                    workers.remove(uid);
                    finishDeletion(pod);
                }
            } else if (worker == null && !closing) {
                startWorker(pod);
            }
        }
        for (Map.Entry<String, PodWorker> worker : workers.entrySet()) {
            if (!present.contains(worker.getKey())) {
                // Deleted at once (grace 0, or by force): stop what runs without waiting.
                worker.getValue().stop(Duration.ZERO);
                if (worker.getValue().finished()) {
                    workers.remove(worker.getKey());
                }
            }
        }
    }

    private void startWorker(Pod pod) {
        PodWorker worker = new PodWorker(context, pod);
        workers.put(pod.getMetadata().getUid(), worker);
        Thread thread = new Thread(worker, "process-kubelet-pod-" + pod.getMetadata().getName());
        thread.setDaemon(true);
        thread.start();
    }

    private void bind(Pod pod) {
        Binding binding = new BindingBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName()).withNamespace(pod.getMetadata().getNamespace())
                .withUid(pod.getMetadata().getUid()).endMetadata()
                .withNewTarget().withKind("Node").withApiVersion("v1").withName(context.nodeName()).endTarget()
                .build();
        try {
            context.client().resource(binding).inNamespace(pod.getMetadata().getNamespace()).create();
        } catch (KubernetesClientException e) {
            System.out.println("process kubelet: cannot bind pod " + pod.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    private void finishDeletion(Pod pod) {
        try {
            context.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            System.out.println("process kubelet: cannot finish deleting pod " + pod.getMetadata().getName() + ": "
                    + e.getMessage());
        }
    }

    /** Stops every pod's containers (SIGKILL after a short grace) and the sync loop. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        sync.interrupt();
        sync.join(5000);
        for (PodWorker worker : workers.values()) {
            worker.stop(CLOSE_GRACE);
        }
        try {
            await().atMost(CLOSE_GRACE.plusSeconds(20)).until(() -> workers.values().stream().allMatch(PodWorker::finished));
        } catch (ConditionTimeoutException e) {
            System.out.println("process kubelet: pods still stopping after " + CLOSE_GRACE.plusSeconds(20).toSeconds()
                    + " s; the test's cleanup removes what is left");
        }
        workers.clear();
    }
}
