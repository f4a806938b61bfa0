package io.pgset.kubernetes.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.e2e.kubelet.LocalImage;
import io.pgset.e2e.kubelet.PodNetwork;
import io.pgset.e2e.kubelet.ProcessKubelet;
import io.pgset.kubernetes.image.RootFilesystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Everything a scenario runs against: the pod network, a real control plane whose API server listens
 * on the network's node address (so pods reach it), the CRD of deploy/crds, the process kubelet
 * running the pgset image (the root filesystem e2e/rootfs/build.sh builds from deploy/Dockerfile, with
 * the built pgset.jar), and the operator as its own process from the same jar, authenticated as
 * the ServiceAccount {@code pgset-system/pgset} bound to the Helm chart's ClusterRole.
 * {@link #close()} stops all of it, in reverse order, keeps the logs and removes its folder.
 */
final class KubeletEnvironment implements AutoCloseable {

    static final String IMAGE = "ghcr.io/pgset/pgset:0.1.0";
    private static final Path CRD = Path.of("..", "deploy", "crds", "postgresclusters.pgset.io-v1.yml");
    private static final String OPERATOR_NAMESPACE = "pgset-system";
    private static final String OPERATOR = "pgset";

    private final Path dir;
    private PodNetwork network;
    private ControlPlane plane;
    private ProcessKubelet kubelet;
    private OperatorProcess operator;
    private final Thread cleanUpOnExit = new Thread(this::closeQuietly, "kubelet-environment-clean-up");

    private KubeletEnvironment(Path dir) {
        this.dir = dir;
    }

    static KubeletEnvironment start() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("pgset.jar", "../pgset-cli/target/pgset.jar")).toAbsolutePath().normalize();
        if (!Files.isReadable(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first (mvn -o package -pl pgset-cli -am -DskipTests)");
        }
        // Pods run in the image, never on this machine's java and PostgreSQL: without it, say how to build it.
        LocalImage image = new LocalImage(IMAGE, RootFilesystem.locate(), jar);
        System.out.println("process kubelet: pods run " + IMAGE + " from its root filesystem " + image.rootfs().root()
                + " with " + jar);
        // Under target/: the run's logs are kept beside it (e2e-logs), and pods never see it (they run in the image).
        Path parent = Files.createDirectories(Path.of("target", "e2e").toAbsolutePath());
        KubeletEnvironment environment = new KubeletEnvironment(Files.createTempDirectory(parent, "kubelet-"));
        Runtime.getRuntime().addShutdownHook(environment.cleanUpOnExit);
        try {
            environment.startAll(image);
            return environment;
        } catch (IOException | InterruptedException | RuntimeException e) {
            environment.close();
            throw e;
        }
    }

    private void startAll(LocalImage image) throws IOException, InterruptedException {
        // Pods run as uid 999: they must be able to traverse to their volumes.
        Files.setAttribute(dir, "unix:mode", 0755);
        network = PodNetwork.create();
        plane = ControlPlane.start(network.nodeAddress());
        KubernetesClient client = plane.adminClient();
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                        && c.getStatus().getConditions().stream().anyMatch(s -> "Established".equals(s.getType()) && "True".equals(s.getStatus())), 60, TimeUnit.SECONDS);
        URI api = URI.create(plane.apiServerUrl());
        kubelet = ProcessKubelet.start(client, dir.resolve("kubelet"), network, List.of(image),
                api.getHost(), api.getPort());
        operator = new OperatorProcess(image.jar(), operatorKubeconfig(client), Files.createDirectories(dir.resolve("operator")),
                dir.resolve("operator.log"));
        operator.start();
    }

    /** A ServiceAccount bound to the chart's ClusterRole, and a kubeconfig with a token of it. */
    private Path operatorKubeconfig(KubernetesClient client) throws IOException {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(OPERATOR_NAMESPACE).endMetadata().build()).create();
        client.resource(new ServiceAccountBuilder().withNewMetadata().withName(OPERATOR).withNamespace(OPERATOR_NAMESPACE)
                .endMetadata().build()).create();
        client.resource(ChartRbac.clusterRole(client, OPERATOR)).create();
        client.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(OPERATOR).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(OPERATOR).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(OPERATOR).withNamespace(OPERATOR_NAMESPACE).endSubject()
                .build()).create();
        String token = client.serviceAccounts().inNamespace(OPERATOR_NAMESPACE).withName(OPERATOR)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(4 * 3600L).endSpec().build())
                .getStatus().getToken();
        return plane.writeKubeconfig(dir.resolve("operator.kubeconfig"), "pgset-operator", token);
    }

    KubernetesClient client() {
        return plane.adminClient();
    }

    ProcessKubelet kubelet() {
        return kubelet;
    }

    OperatorProcess operator() {
        return operator;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUpOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
        closeAll();
    }

    private void closeQuietly() {
        try {
            closeAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void closeAll() throws InterruptedException {
        if (operator != null) {
            operator.stop();
        }
        if (kubelet != null) {
            kubelet.close();
            kubelet = null;
        }
        if (plane != null) {
            plane.close();
            plane = null;
        }
        if (network != null) {
            network.close();
            network = null;
        }
        if (Files.exists(dir)) {
            keepLogs();
            ControlPlane.deleteRecursively(dir);
        }
    }

    /**
     * Copies the operator's and the containers' logs to {@code target/e2e-logs/<run>/} before the run's
     * folder goes: a failed scenario is read from them, in CI too.
     */
    private void keepLogs() {
        Path kept = dir.getParent().resolveSibling("e2e-logs").resolve(dir.getFileName());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path log : files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".log")).toList()) {
                Path copy = kept.resolve(dir.relativize(log));
                Files.createDirectories(copy.getParent());
                Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not keep the logs of " + dir + ": " + e);
        }
    }
}
