package io.pgset.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.pod.PodIdentity;
import io.pgset.kubernetes.pod.PodInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pgset instance} in a Kubernetes pod: the instance manager given the pod's mounts, which
 * learns who it is from the downward API and speaks to the API server. Apart from
 * {@link InstanceCommand} so that the local runtime's instance managers, which run from a jar
 * without the Kubernetes client (see the pgset-cli pom), never load a class that names it.
 */
final class PodInstanceCommand {

    private PodInstanceCommand() {}

    /** Runs the instance manager of the pod whose mounts {@code command} names, until the JVM is told to stop. */
    static int run(InstanceCommand command) throws Exception {
        Main main = command.main;
        if (command.secrets == null || command.spec == null) {
            main.err.println("error: in a pod, give --volume, --secrets and --spec (the pod's mounts; see `pgset render`)");
            return 2;
        }
        if (command.ordinal != null || command.upstream != null || command.newDatabase) {
            main.err.println("error: in a pod the instance learns its ordinal and upstream from the pod and the"
                    + " StatefulSet; drop --ordinal, --upstream and --new-database");
            return 2;
        }
        PodIdentity self;
        try {
            self = PodIdentity.from(command.cluster, System.getenv());
        } catch (IllegalArgumentException e) {
            main.err.println("error: " + e.getMessage());
            return 2;
        }
        if (command.kubeconfig != null && !Files.isReadable(command.kubeconfig)) {
            main.err.println("error: cannot read the kubeconfig " + command.kubeconfig
                    + "; give the path of a readable file");
            return 1;
        }
        Config config = command.kubeconfig != null ? Config.fromKubeconfig(Files.readString(command.kubeconfig))
                : Config.autoConfigure(null);
        // Short timeouts and no retries: the isolation guard must hear silence as silence, in time.
        int timeout = (int) PodInstance.API_TIMEOUT.toMillis();
        config = new ConfigBuilder(config).withRequestTimeout(timeout).withConnectionTimeout(timeout)
                .withRequestRetryBackoffLimit(0).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        PodInstance.Settings settings = new PodInstance.Settings(command.cluster, command.volume, command.secrets,
                command.spec, Optional.ofNullable(command.initSql).filter(Files::exists),
                command.port == null ? ManifestRenderer.POSTGRES_PORT : command.port,
                command.apiPort == null ? ManifestRenderer.API_PORT : command.apiPort);
        PodInstance instance;
        try {
            instance = PodInstance.start(settings, self, client, main.out::println);
        } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
            client.close();
            main.err.println("error: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            instance.close();
            client.close();
            stopped.countDown();
        }, "shutdown-" + self.name()));
        stopped.await();
        return 0;
    }
}
