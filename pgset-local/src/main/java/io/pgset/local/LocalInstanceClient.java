package io.pgset.local;

import io.pgset.core.control.InstanceClient;
import io.pgset.instance.ApiInstanceClient;
import io.pgset.instance.ApiTls;
import io.pgset.instance.InstanceHttpClient;
import java.io.IOException;

/** Local instances' APIs, on their loopback ports, with the cluster's token and CA from its home. */
final class LocalInstanceClient {

    private LocalInstanceClient() {}

    static InstanceClient of(ClusterHome home) throws IOException {
        return new ApiInstanceClient(new InstanceHttpClient(LocalSecrets.apiToken(home),
                ApiTls.client(LocalSecrets.caCertificate(home))));
    }
}
