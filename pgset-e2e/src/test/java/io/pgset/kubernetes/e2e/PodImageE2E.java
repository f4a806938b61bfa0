package io.pgset.kubernetes.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.kubernetes.image.RootFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process kubelet runs a pod in the pgset image, not on this machine: the pod's postgres runs
 * chrooted on an overlay of the image's root filesystem (the one e2e/rootfs/build.sh builds from
 * deploy/Dockerfile), read-only as readOnlyRootFilesystem asks, as the pod's user; and once the pod
 * is gone, nothing of it is left mounted or on disk.
 */
@ExtendWith(KubeletEnvironmentExtension.class)
class PodImageE2E {

    private static final String NAMESPACE = "image";
    private static final String POD = "postgres";

    @Test
    void aPodsPostgresRunsInTheImagesRootFilesystemAndLeavesNothingBehind(KubeletEnvironment environment) throws Exception {
        KubernetesClient client = environment.client();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
        long start = System.nanoTime();
        Pod pod = client.resource(postgresPod()).create();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> DemoCluster.ready(client.pods().inNamespace(NAMESPACE).withName(POD).get()));
        System.out.println("pod " + POD + " in the image Ready " + (System.nanoTime() - start) / 1_000_000 + " ms after its creation");
        ProcessHandle postmaster = postmaster(client.pods().inNamespace(NAMESPACE).withName(POD).get()).orElseThrow();

        String root = rootMount(postmaster.pid());
        assertThat(root).as("the mount at the postmaster's root").contains(" - overlay overlay ")
                .contains("lowerdir=" + RootFilesystem.locate().root() + ",");
        assertThat(root.split(" ")[5]).as("its mount options (readOnlyRootFilesystem)").startsWith("ro,");
        assertThat(Files.readString(Path.of("/proc", String.valueOf(postmaster.pid()), "status")))
                .as("the postmaster runs as the pod's runAsUser").containsPattern("(?m)^Uid:\\s+999\\s");
        Path podDir = environment.kubelet().containerLog(pod, POD).getParent();
        assertThat(layers(podDir)).as("the container's overlay layer").hasSize(1);

        client.pods().inNamespace(NAMESPACE).withName(POD).delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace(NAMESPACE).withName(POD).get() == null);
        assertThat(postmaster.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(layers(podDir)).as("layers left").isEmpty());
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("mounts left on this machine")
                .noneMatch(line -> line.contains(podDir.toString()));
    }

    /** Initdb, then postgres on the pod's address; a readiness probe says when it listens. */
    private static Pod postgresPod() {
        return new PodBuilder()
                .withNewMetadata().withName(POD).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec()
                .withNewSecurityContext().withRunAsUser(999L).withRunAsGroup(999L).withFsGroup(999L).endSecurityContext()
                .withTerminationGracePeriodSeconds(10L)
                .addNewContainer().withName(POD).withImage(KubeletEnvironment.IMAGE)
                .withCommand("sh", "-c", "initdb -D /tmp/pgdata -U postgres --auth=trust >/dev/null"
                        + " && exec postgres -D /tmp/pgdata -k /tmp -c listen_addresses='*'")
                .withNewSecurityContext().withReadOnlyRootFilesystem(true).withRunAsNonRoot(true)
                .withAllowPrivilegeEscalation(false).endSecurityContext()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(5432)).endTcpSocket()
                .withPeriodSeconds(1).endReadinessProbe()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build();
    }

    /** The container's first postgres process, found from its container ID (the kubelet's launcher pid). */
    private static Optional<ProcessHandle> postmaster(Pod pod) {
        String id = pod.getStatus().getContainerStatuses().get(0).getContainerID();
        long launcher = Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
        return ProcessHandle.of(launcher).stream().flatMap(ProcessHandle::descendants)
                .filter(p -> isPostgres(p) && p.parent().map(parent -> !isPostgres(parent)).orElse(false))
                .findFirst();
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("/postgres")).orElse(false);
    }

    /** The line of the process's mountinfo for its root ("/", as the process sees it). */
    private static String rootMount(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "mountinfo")).stream()
                .filter(line -> line.split(" ")[4].equals("/"))
                .reduce((first, last) -> last) // the topmost mount there is the one it sees
                .orElseThrow();
    }

    private static List<Path> layers(Path podDir) throws IOException {
        try (Stream<Path> files = Files.list(podDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(POD + ".layer-")).toList();
        }
    }
}
