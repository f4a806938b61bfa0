package io.pgset.core.tls;

import java.util.ArrayList;
import java.util.List;

/** The DNS names an instance's server certificate covers, in both runtimes. */
public final class TlsNames {

    private TlsNames() {}

    /**
     * The instance's own names and the cluster's service names: short forms (for the local
     * runtime and for clients inside the namespace) and the Kubernetes service DNS forms.
     *
     * @param namespace the Kubernetes namespace; empty for the short forms only
     */
    public static List<String> server(String cluster, int ordinal, String namespace) {
        String pod = cluster + "-" + ordinal;
        List<String> names = new ArrayList<>(List.of(pod, "localhost", pod + "." + cluster));
        List<String> services = List.of(cluster + "-rw", cluster + "-ro", cluster + "-r");
        names.addAll(services);
        if (!namespace.isEmpty()) {
            for (String suffix : List.of(".svc", ".svc.cluster.local")) {
                names.add(pod + "." + cluster + "." + namespace + suffix);
                services.forEach(s -> names.add(s + "." + namespace + suffix));
            }
        }
        return names;
    }
}
