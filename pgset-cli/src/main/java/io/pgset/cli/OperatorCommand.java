package io.pgset.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.operator.HttpInstanceClients;
import io.pgset.kubernetes.operator.PgsetOperator;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "operator", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Run the pgset operator, which runs PostgresCluster resources on Kubernetes.",
        "It reconciles them into StatefulSets, Services, Secrets and policies, and carries out failover, "
                + "switchover and rolling updates. Connects with the usual Kubernetes configuration (in-cluster "
                + "service account, or ~/.kube/config)."})
final class OperatorCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--namespace", paramLabel = "NS", split = ",",
            description = "Watch only these namespaces (default: all).")
    List<String> namespaces = List.of();

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = ManifestRenderer.DEFAULT_IMAGE,
            description = "The pgset image the instance pods run (default: ${DEFAULT-VALUE}).")
    String image;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, else the in-cluster service account).")
    Path kubeconfig;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Serve the operator's metrics (failovers, switchovers, instances wanted and ready, per cluster) "
                    + "as Prometheus text on http://0.0.0.0:PORT/metrics (default: ${DEFAULT-VALUE}; 0: do not serve them).")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        if (metricsPort < 0 || metricsPort > 65535) {
            main.err.println("error: --metrics-port must be a TCP port (1-65535), or 0 to serve no metrics; got "
                    + metricsPort);
            return 1;
        }
        Config config;
        if (kubeconfig != null) {
            if (!Files.isReadable(kubeconfig)) {
                main.err.println("error: cannot read the kubeconfig " + kubeconfig + "; give the path of a readable file");
                return 1;
            }
            config = Config.fromKubeconfig(Files.readString(kubeconfig));
        } else {
            config = Config.autoConfigure(null);
        }
        // One quick look first (no retries), so that a wrong configuration is told at once.
        try (KubernetesClient probe = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build()).build()) {
            probe.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            main.err.println("error: cannot reach the Kubernetes API server at " + config.getMasterUrl() + " ("
                    + io.pgset.kubernetes.ApiErrors.rootCause(e) + "). Run the operator where a kubeconfig ($KUBECONFIG, ~/.kube/config or"
                    + " --kubeconfig) or an in-cluster service account points at a cluster.");
            return 1;
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        CountDownLatch stopped = new CountDownLatch(1);
        HTTPServer metrics = null;
        try (PgsetOperator operator = new PgsetOperator(client, new HashSet<>(namespaces), image,
                new HttpInstanceClients(client))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            if (metricsPort > 0) {
                try {
                    metrics = HTTPServer.builder().port(metricsPort).registry(operator.metrics().registry())
                            .buildAndStart();
                } catch (java.io.IOException e) {
                    main.err.println("error: cannot serve metrics on port " + metricsPort + " (" + e.getMessage()
                            + "); choose a free port with --metrics-port, or 0 to serve none");
                    return 1;
                }
                main.out.println("pgset operator: metrics on http://0.0.0.0:" + metrics.getPort() + "/metrics");
            }
            operator.start();
            main.out.println("pgset operator: watching PostgresCluster resources in "
                    + (namespaces.isEmpty() ? "every namespace" : String.join(", ", namespaces)));
            stopped.await();
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            client.close();
        }
        return 0;
    }
}
