package io.pgset.local;

import io.pgset.core.control.InstanceClient;
import io.pgset.core.control.PodState;
import io.pgset.core.model.InstanceStatus;
import io.pgset.instance.ApiTls;
import io.pgset.instance.InstanceHttpClient;
import java.io.IOException;
import java.util.List;

/** Reaches local instances' APIs on their loopback ports. */
final class LocalInstanceClient implements InstanceClient {

    private final InstanceHttpClient http;

    LocalInstanceClient(ClusterHome home) throws IOException {
        this.http = new InstanceHttpClient(LocalSecrets.apiToken(home), ApiTls.client(LocalSecrets.caCertificate(home)));
    }

    @Override
    public InstanceStatus status(PodState pod) {
        return http.status(pod.name(), pod.host(), pod.apiPort());
    }

    @Override
    public void promote(PodState pod) throws IOException {
        http.promote(pod.host(), pod.apiPort());
    }

    @Override
    public String demote(PodState primary, PodState newPrimary) throws IOException {
        return http.demote(primary.host(), primary.apiPort(), newPrimary.host(), newPrimary.port());
    }

    @Override
    public void follow(PodState pod, PodState primary) throws IOException {
        http.follow(pod.host(), pod.apiPort(), primary.host(), primary.port());
    }

    @Override
    public void ensureSlots(PodState primary, List<String> slots) throws IOException {
        http.ensureSlots(primary.host(), primary.apiPort(), slots);
    }

    @Override
    public void reload(PodState pod) throws IOException {
        http.reload(pod.host(), pod.apiPort());
    }

    @Override
    public void restart(PodState pod) throws IOException {
        http.restart(pod.host(), pod.apiPort());
    }
}
