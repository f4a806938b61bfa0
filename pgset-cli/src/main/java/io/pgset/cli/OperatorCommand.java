package io.pgset.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.operator.HttpInstanceClients;
import io.pgset.kubernetes.operator.PgsetOperator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "operator", description = {"Run the pgset operator: reconcile PostgresCluster resources into StatefulSets,",
        "Services, Secrets and policies, and carry out failover, switchover and rolling updates.",
        "Connects with the usual Kubernetes configuration (in-cluster service account, or ~/.kube/config)."})
final class OperatorCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--namespace", paramLabel = "NS", split = ",",
            description = "Watch only these namespaces (default: all).")
    List<String> namespaces = List.of();

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = ManifestRenderer.DEFAULT_IMAGE,
            description = "The pgset image the instance pods run (default: ${DEFAULT-VALUE}).")
    String image;

    @Override
    public Integer call() throws InterruptedException {
        KubernetesClient client = new KubernetesClientBuilder().build();
        CountDownLatch stopped = new CountDownLatch(1);
        try (PgsetOperator operator = new PgsetOperator(client, new HashSet<>(namespaces), image,
                new HttpInstanceClients(client))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            operator.start();
            main.out.println("pgset operator: watching PostgresCluster resources in "
                    + (namespaces.isEmpty() ? "every namespace" : String.join(", ", namespaces)));
            stopped.await();
        } finally {
            client.close();
        }
        return 0;
    }
}
