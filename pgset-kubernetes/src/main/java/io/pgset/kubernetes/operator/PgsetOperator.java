package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.pgset.core.control.InstanceClient;
import io.pgset.instance.metrics.ClusterMetrics;
import io.pgset.kubernetes.api.PostgresCluster;
import java.time.Clock;
import java.util.Set;
import java.util.function.Function;

/**
 * The pgset operator: JOSDK running {@link PostgresClusterReconciler} over PostgresCluster
 * resources in the given namespaces (all when empty).
 *
 * <p>Status is written with a JSON merge patch, not server-side apply: the operator is the only
 * writer of status, and so it runs the same way against every API server, test servers included.
 */
public final class PgsetOperator implements AutoCloseable {

    private final Operator operator;
    private final PostgresClusterReconciler reconciler;
    private final ClusterMetrics metrics;

    public PgsetOperator(KubernetesClient client, Set<String> namespaces, String image,
                         Function<PostgresCluster, InstanceClient> instances) {
        this(client, namespaces, image, instances, Clock.systemUTC());
    }

    /** @param clock what the operator's decisions read the time from (backup schedules are read in its zone) */
    PgsetOperator(KubernetesClient client, Set<String> namespaces, String image,
                  Function<PostgresCluster, InstanceClient> instances, Clock clock) {
        this.operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false));
        this.reconciler = new PostgresClusterReconciler(client, image, instances, clock);
        this.metrics = new ClusterMetrics(reconciler::figures);
        operator.register(reconciler, c -> {
            if (!namespaces.isEmpty()) {
                c.settingNamespaces(namespaces);
            }
        });
    }

    /** Failovers, switchovers, instances wanted and ready of every cluster it manages. */
    public ClusterMetrics metrics() {
        return metrics;
    }

    public void start() {
        operator.start();
    }

    @Override
    public void close() {
        operator.stop();
        reconciler.close();
    }
}
