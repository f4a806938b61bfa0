package io.pgset.local;

import io.pgset.core.control.InstanceClient;
import io.pgset.instance.ApiInstanceClient;
import io.pgset.instance.ApiConnections;
import io.pgset.instance.InstanceHttpClient;
import java.io.IOException;
import java.util.Optional;

/** Local instances' APIs, on their loopback ports, with the cluster's token and CA from its home. */
final class LocalInstanceClient {

    private LocalInstanceClient() {}

    static InstanceClient of(ClusterHome home) throws IOException {
        return new ApiInstanceClient(new InstanceHttpClient(new ApiConnections(LocalSecrets.apiToken(home),
                () -> ControllerClient.tls(home), Optional.of(home.apiSockets()))));
    }
}
