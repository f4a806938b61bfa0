package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.control.InstanceClient;
import io.pgset.core.control.PodState;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.InstanceStatus;
import io.pgset.instance.ApiInstanceClient;
import io.pgset.instance.ApiTls;
import io.pgset.instance.InstanceHttpClient;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.model.ConfigMapRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the operator reaches the instance APIs of a cluster's pods: HTTPS to the pod IP, trusting
 * only the cluster's CA ({@code <name>-ca}), with the bearer token of {@code <name>-api}.
 */
public final class HttpInstanceClients implements Function<PostgresCluster, InstanceClient> {

    private final KubernetesClient client;

    public HttpInstanceClients(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public InstanceClient apply(PostgresCluster cluster) {
        String namespace = cluster.getMetadata().getNamespace();
        String name = cluster.getMetadata().getName();
        Secret token = client.secrets().inNamespace(namespace).withName(name + "-api").get();
        Secret ca = client.secrets().inNamespace(namespace).withName(name + "-ca").get();
        if (token == null || ca == null) {
            return new Unreachable("Secret " + (token == null ? name + "-api" : name + "-ca") + " is missing");
        }
        try {
            // From the Secret's text, not a file: a file per reconcile would pile up in the temp folder.
            return new ApiInstanceClient(new InstanceHttpClient(value(token, "token"),
                    ApiTls.client(value(ca, ManifestRenderer.CA_CERTIFICATE), "Secret " + name + "-ca")),
                    specFileOf(cluster));
        } catch (IOException e) {
            return new Unreachable("cannot set up TLS to the instances: " + e.getMessage());
        }
    }

    /**
     * What the {@code <name>-spec} ConfigMap holds for this resource, handed over with each reload: a
     * pod's mounted copy follows the ConfigMap only when the kubelet syncs it, up to a minute or so
     * later. Empty for an invalid spec (the ConfigMap keeps the last valid one, and so do the pods).
     */
    static Optional<String> specFileOf(PostgresCluster cluster) {
        try {
            return Optional.of(ConfigMapRenderer.specFile(Specs.read(cluster)));
        } catch (io.pgset.core.spec.SpecException e) {
            return Optional.empty();
        }
    }

    private static String value(Secret secret, String key) {
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key);
        }
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    /** Every instance looks unreachable, and says why; actions fail with the same reason. */
    private record Unreachable(String why) implements InstanceClient {
        @Override
        public InstanceStatus status(PodState pod) {
            return InstanceStatus.unreachable(pod.name(), why);
        }

        @Override
        public void ensureSlots(PodState primary, List<String> slots) throws IOException {
            throw new IOException(why);
        }

        @Override
        public void promote(PodState pod) throws IOException {
            throw new IOException(why);
        }

        @Override
        public String demote(PodState primary, PodState newPrimary) throws IOException {
            throw new IOException(why);
        }

        @Override
        public void follow(PodState pod, PodState primary) throws IOException {
            throw new IOException(why);
        }

        @Override
        public void reload(PodState pod) throws IOException {
            throw new IOException(why);
        }

        @Override
        public void restart(PodState pod) throws IOException {
            throw new IOException(why);
        }

        @Override
        public BackupReport startBackup(PodState primary, BackupType type, int repo) throws IOException {
            throw new IOException(why);
        }

        @Override
        public Optional<BackupReport> lastBackup(PodState pod) throws IOException {
            throw new IOException(why);
        }
    }
}
