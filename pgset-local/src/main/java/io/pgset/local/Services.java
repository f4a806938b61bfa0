package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus.ServiceStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    /** @param ca the CA file clients verify the servers against; empty when TLS is off */
    Map<String, ServiceStatus> describe(String database, String user, Optional<Path> ca) {
        Map<String, ServiceStatus> m = new LinkedHashMap<>();
        m.put("rw", status(rw, database, user, ca));
        m.put("ro", status(ro, database, user, ca));
        return m;
    }

    /** The services' URIs for a cluster: verify-full against its CA when TLS is on. */
    static Map<String, ServiceStatus> describe(Services services, ClusterHome home, ClusterSpec spec) {
        return services.describe(spec.bootstrap().initdb().database(), spec.bootstrap().initdb().owner(),
                spec.tls().enabled() ? Optional.of(LocalSecrets.caCertificate(home)) : Optional.empty());
    }

    private static ServiceStatus status(int port, String database, String user, Optional<Path> ca) {
        String security = ca.map(file -> "sslmode=verify-full&sslrootcert=" + uriEncode(file.toString()))
                .orElse("sslmode=disable");
        return new ServiceStatus(Ports.LOOPBACK, port,
                "postgresql://" + user + "@" + Ports.LOOPBACK + ":" + port + "/" + database + "?" + security);
    }

    /** Percent-encodes what a URI query value cannot hold as it is; paths stay readable. */
    static String uriEncode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/._-~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
