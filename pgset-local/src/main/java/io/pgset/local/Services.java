package io.pgset.local;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ClusterStatus.PodStatus;
import io.pgset.core.model.ClusterStatus.ServiceStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's two services: {@code rw} reaches the ready primary; {@code ro} the ready replicas,
 * or the primary while there is none. Their ports are chosen when the cluster is created and kept
 * in {@code services.json}.
 */
public record Services(int rw, int ro) {

    public static Optional<Services> read(ClusterHome home) {
        return Json.read(home.services()).map(n -> new Services(n.path("rw").asInt(), n.path("ro").asInt()))
                .filter(s -> s.rw() > 0 && s.ro() > 0);
    }

    /** The kept ports, choosing them the first time. */
    static Services ensure(ClusterHome home, java.nio.file.Path pgsetHome) throws IOException {
        Optional<Services> kept = read(home);
        if (kept.isPresent()) {
            return kept.get();
        }
        Services chosen = new Services(PortPicker.pick(pgsetHome), 0);
        Json.write(home.services(), Json.object().put("rw", chosen.rw()));
        chosen = new Services(chosen.rw(), PortPicker.pick(pgsetHome));
        Json.write(home.services(), Json.object().put("rw", chosen.rw()).put("ro", chosen.ro()));
        return chosen;
    }

    static List<ServiceProxy.Endpoint> rwEndpoints(ClusterStatus status) {
        return status.pods().stream().filter(p -> p.ready() && "primary".equals(p.role()))
                .map(Services::endpoint).toList();
    }

    static List<ServiceProxy.Endpoint> roEndpoints(ClusterStatus status) {
        List<ServiceProxy.Endpoint> replicas = status.pods().stream()
                .filter(p -> p.ready() && "replica".equals(p.role()) && p.ordinal() < status.instances())
                .map(Services::endpoint).toList();
        return replicas.isEmpty() ? rwEndpoints(status) : replicas;
    }

    private static ServiceProxy.Endpoint endpoint(PodStatus p) {
        return new ServiceProxy.Endpoint(p.host(), p.port());
    }

    Map<String, ServiceStatus> describe(String database, String user) {
        Map<String, ServiceStatus> m = new LinkedHashMap<>();
        m.put("rw", status(rw, database, user));
        m.put("ro", status(ro, database, user));
        return m;
    }

    private static ServiceStatus status(int port, String database, String user) {
        return new ServiceStatus(Ports.LOOPBACK, port,
                "postgresql://" + user + "@" + Ports.LOOPBACK + ":" + port + "/" + database);
    }
}
