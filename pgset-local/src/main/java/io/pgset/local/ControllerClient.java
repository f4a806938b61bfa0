package io.pgset.local;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.RecordJson;
import io.pgset.core.model.ClusterStatus;
import io.pgset.instance.ApiAnswer;
import io.pgset.instance.ApiConnections;
import io.pgset.instance.ApiTls;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** Finds a cluster's running controller daemon and talks to its API. */
final class ControllerClient {

    private final ClusterHome home;
    /** Made at the first call: it trusts the cluster CA, which exists once the cluster does. */
    private ApiConnections http;
    /** The generation of the last status {@link #nextStatus} gave (see {@link PublishedStatus}). */
    private long seenGeneration;

    ControllerClient(ClusterHome home) {
        this.home = home;
    }

    static String marker(ClusterHome home) {
        return "--cluster-dir=" + home.dir();
    }

    /** The arguments that run this cluster's controller daemon. */
    static java.util.List<String> daemonArgs(java.nio.file.Path pgsetHome, ClusterHome home) {
        return java.util.List.of("controller", "--home=" + pgsetHome, "--cluster=" + home.name(), marker(home));
    }

    /** The controller process, when one runs for this cluster. */
    Optional<ProcessHandle> process() {
        return Json.read(home.controllerFile())
                .flatMap(n -> ProcessHandle.of(n.path("pid").asLong()))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker(home))).orElse(false));
    }

    boolean running() {
        return process().isPresent();
    }

    Optional<ClusterStatus> status() {
        try {
            ApiAnswer r = send("GET", "/status");
            return r.status() == 200
                    ? Optional.of(RecordJson.read(r.body(), ClusterStatus.class)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The controller's next status: the first one after the last this client was given, as soon as
     * the controller publishes it (or its current one after a second without change); empty when
     * it does not answer.
     */
    Optional<ClusterStatus> nextStatus() {
        try {
            byte[] body = RecordJson.bytes(java.util.Map.of("after", seenGeneration));
            // Only a read: sent on the kept connection, and again after a failure there.
            ApiAnswer r = send("POST", "/status/next", body, LocalController.NEXT_STATUS_WAIT.plusSeconds(5), true);
            if (r.status() != 200) {
                return Optional.empty();
            }
            var answer = JsonText.parse(r.body());
            seenGeneration = answer.path("generation").asLong();
            return Optional.of(RecordJson.read(answer.path("status"), ClusterStatus.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Asks for a reconcile now rather than at the next tick; harmless when it fails. */
    void poke() {
        try {
            send("POST", "/reconcile");
        } catch (IOException e) {
            // the controller reconciles on its own within half a second anyway
        }
    }

    /**
     * Begins a switchover: returns once the primary has stopped cleanly, with the switchover in
     * progress ({@code /status} tells when it ends), or throws why it was refused.
     */
    ClusterStatus.Switchover switchover(Optional<String> to) throws IOException {
        byte[] body = RecordJson.bytes(java.util.Map.of("to", to.orElse("")));
        ApiAnswer r = send("POST", "/switchover", body, Duration.ofMinutes(3));
        if (r.status() != 200) {
            throw new PgsetException(r.text());
        }
        return RecordJson.read(r.body(), ClusterStatus.Switchover.class);
    }

    /** TLS trusting the cluster CA, for when the controller has no local socket (see {@link ClusterHome#apiSockets}). */
    static javax.net.ssl.SSLContext tls(ClusterHome home) {
        try {
            return ApiTls.client(LocalSecrets.caCertificate(home));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ApiAnswer send(String method, String path) throws IOException {
        return send(method, path, new byte[0], Duration.ofSeconds(5));
    }

    private ApiAnswer send(String method, String path, byte[] body, Duration timeout) throws IOException {
        return send(method, path, body, timeout, false);
    }

    private ApiAnswer send(String method, String path, byte[] body, Duration timeout, boolean repeatable)
            throws IOException {
        int port = Json.read(home.controllerFile()).map(n -> n.path("apiPort").asInt()).orElse(0);
        if (port == 0 || !running()) {
            throw new IOException("the controller of " + home.name() + " is not running");
        }
        if (http == null) {
            http = new ApiConnections(LocalSecrets.apiToken(home), () -> tls(home), Optional.of(home.apiSockets()));
        }
        return repeatable ? http.sendRepeatable(method, Ports.LOOPBACK, port, path, body, timeout)
                : http.send(method, Ports.LOOPBACK, port, path, body, timeout);
    }
}
