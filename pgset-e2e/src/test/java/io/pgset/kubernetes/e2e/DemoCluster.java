package io.pgset.kubernetes.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The scenarios' cluster {@code demo} in namespace {@code scenarios}: its spec, and what the tests
 * read from it (status, pods, the Services' endpoints) and how they connect to its instances.
 */
final class DemoCluster {

    static final String NAMESPACE = "scenarios";
    static final String CLUSTER = "demo";
    static final Duration READY = Duration.ofMinutes(3);

    private DemoCluster() {
    }

    static Set<Long> ids(KubernetesClient client, String address) throws SQLException {
        Set<Long> ids = new java.util.HashSet<>();
        try (Connection connection = connect(client, address); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT id FROM e2e")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    static GenericKubernetesResource cluster(int instances) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("pgset.io/v1alpha1").withKind("PostgresCluster")
                .withNewMetadata().withName(CLUSTER).withNamespace(NAMESPACE).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "instances", instances,
                        "replication", Map.of("mode", "sync", "syncStandbys", 1),
                        "postgres", Map.of("parameters", Map.of("shared_buffers", "16MB", "max_connections", "40")),
                        "resources", Map.of("requests", Map.of("cpu", "100m", "memory", "256Mi"),
                                "limits", Map.of("memory", "512Mi"))))
                .build();
    }

    static void awaitClusterReady(KubeletEnvironment environment, int instances) {
        awaitClusterReady(environment, instances, () -> { });
    }

    /** Waits for the cluster to be Ready, running {@code observe} at every look (every 200 ms). */
    static void awaitClusterReady(KubeletEnvironment environment, int instances, Runnable observe) {
        KubernetesClient client = environment.client();
        try {
            await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> {
                observe.run();
                return clusterReady(client, instances);
            });
        } catch (RuntimeException e) {
            throw new AssertionError("cluster not Ready; status " + status(client) + "\noperator log:\n"
                    + environment.operator().logTail(40) + podLogs(environment), e);
        }
    }

    @SuppressWarnings("unchecked")
    static boolean clusterReady(KubernetesClient client, int instances) {
        Map<String, Object> status = status(client);
        if (status == null || !Integer.valueOf(instances).equals(status.get("readyInstances"))) {
            return false;
        }
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
        return conditions.stream().anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(KubernetesClient client) {
        GenericKubernetesResource resource = client.genericKubernetesResources("pgset.io/v1alpha1", "PostgresCluster")
                .inNamespace(NAMESPACE).withName(CLUSTER).get();
        return resource == null ? null : (Map<String, Object>) resource.getAdditionalProperties().get("status");
    }

    static String podLogs(KubeletEnvironment environment) {
        StringBuilder logs = new StringBuilder();
        for (Pod pod : pods(environment.client())) {
            logs.append("\n--- ").append(pod.getMetadata().getName()).append(' ')
                    .append(environment.client().getKubernetesSerialization().asJson(pod.getStatus())).append('\n');
            try {
                List<String> lines = java.nio.file.Files.readAllLines(environment.kubelet().containerLog(pod, "postgres"));
                logs.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            } catch (java.io.IOException e) {
                logs.append("(no log: ").append(e.getMessage()).append(')');
            }
        }
        return logs.toString();
    }

    static List<Pod> pods(KubernetesClient client) {
        return client.pods().inNamespace(NAMESPACE).withLabel("pgset.io/cluster", CLUSTER).list().getItems().stream()
                .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName())).toList();
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The ready addresses of a Service's EndpointSlices (what kube-proxy would send its traffic to). */
    static List<String> addresses(KubernetesClient client, String service) {
        return client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
                .withLabel("kubernetes.io/service-name", service).list().getItems().stream()
                .map(EndpointSlice::getEndpoints).filter(e -> e != null).flatMap(List::stream)
                .filter(e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
                .map(Endpoint::getAddresses).flatMap(List::stream).sorted().toList();
    }

    static Connection connect(KubernetesClient client, String address) throws SQLException {
        String password = new String(Base64.getDecoder().decode(client.secrets().inNamespace(NAMESPACE)
                .withName(CLUSTER + "-superuser").get().getData().get("password")), StandardCharsets.UTF_8);
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", password);
        properties.setProperty("sslmode", "require");
        properties.setProperty("connectTimeout", "5");
        // A read that hangs (a pod being replaced) fails and is asked again, rather than outliving the wait around it.
        properties.setProperty("socketTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + address + ":5432/app", properties);
    }

    static String queryString(Statement sql, String query) throws SQLException {
        try (ResultSet result = sql.executeQuery(query)) {
            result.next();
            return result.getString(1);
        }
    }
}
