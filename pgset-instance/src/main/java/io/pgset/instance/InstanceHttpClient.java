package io.pgset.instance;

import io.pgset.core.control.InstanceClient;
import io.pgset.core.json.JsonText;
import io.pgset.core.json.RecordJson;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.InstanceStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Calls an instance's API (see {@link InstanceApi}); runtimes use it to observe and direct instances.
 * HTTP/1.1 over TLS with connections kept for the polls (see {@link ApiConnections}): connecting,
 * the TLS handshake included, waits at most 1 s, and each call's timeout bounds every wait for the
 * server's bytes.
 */
public final class InstanceHttpClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private static final byte[] NO_BODY = new byte[0];

    private final ApiConnections http;

    /** @param tls trusts the cluster CA only (see {@link ApiTls#client}) */
    public InstanceHttpClient(String token, SSLContext tls) {
        this(new ApiConnections(token, tls));
    }

    /** Over {@code http}'s connections (which may prefer local sockets, see {@link LocalApiSockets}). */
    public InstanceHttpClient(ApiConnections http) {
        this.http = http;
    }

    public InstanceStatus status(String pod, String host, int apiPort) {
        try {
            ApiAnswer r = http.send("GET", host, apiPort, "/status", NO_BODY, TIMEOUT);
            if (r.status() != 200) {
                return InstanceStatus.unreachable(pod, "status answered " + r.status());
            }
            return RecordJson.read(r.body(), InstanceStatus.class);
        } catch (IOException e) {
            return InstanceStatus.unreachable(pod, "its instance API at " + host + ":" + apiPort
                    + " does not answer yet (" + why(e) + ")");
        }
    }

    /** Why a call got no answer, in words: the JDK's exceptions often carry no message at all. */
    static String why(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "nothing listens there yet";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    public void ensureSlots(String host, int apiPort, List<String> slots) throws IOException {
        byte[] body = RecordJson.bytes(Map.of("slots", slots));
        expectOk(http.send("PUT", host, apiPort, "/slots", body, TIMEOUT), "PUT /slots");
    }

    public void promote(String host, int apiPort) throws IOException {
        expectOk(http.send("POST", host, apiPort, "/promote", NO_BODY, Duration.ofSeconds(70)), "POST /promote");
    }

    public void follow(String host, int apiPort, String primaryHost, int primaryPort) throws IOException {
        byte[] body = RecordJson.bytes(Map.of("host", primaryHost, "port", primaryPort));
        expectOk(http.send("POST", host, apiPort, "/follow", body, Duration.ofSeconds(100)), "POST /follow");
    }

    /** @return the shutdown checkpoint LSN of the demoted primary */
    public String demote(String host, int apiPort, String primaryHost, int primaryPort) throws IOException {
        byte[] body = RecordJson.bytes(Map.of("host", primaryHost, "port", primaryPort));
        ApiAnswer r = http.send("POST", host, apiPort, "/demote", body, Duration.ofSeconds(100));
        expectOk(r, "POST /demote");
        return JsonText.parse(r.body()).path("shutdownCheckpoint").asText();
    }

    public void restart(String host, int apiPort) throws IOException {
        expectOk(http.send("POST", host, apiPort, "/restart", NO_BODY, Duration.ofSeconds(100)), "POST /restart");
    }

    /** @return when the new server certificate expires */
    public String renewCertificates(String host, int apiPort) throws IOException {
        ApiAnswer r = http.send("POST", host, apiPort, "/certificates/renew", NO_BODY, Duration.ofSeconds(30));
        expectOk(r, "POST /certificates/renew");
        return JsonText.parse(r.body()).path("expires").asText();
    }

    /** @param spec the spec to load instead of the instance's spec file (see POST /reload), if any */
    public void reload(String host, int apiPort, Optional<String> spec) throws IOException {
        byte[] body = spec.isEmpty() ? NO_BODY : RecordJson.bytes(Map.of("spec", spec.get()));
        expectOk(http.send("POST", host, apiPort, "/reload", body, Duration.ofSeconds(30)), "POST /reload");
    }

    /**
     * Asks the instance to start a backup and returns once it has (the backup itself goes on).
     *
     * @return the backup as the instance reports it, running
     * @throws InstanceClient.BackupRefused when it answers 409: one runs, or it is not the primary
     */
    public BackupReport startBackup(String host, int apiPort, BackupType type, int repo) throws IOException,
            InstanceClient.BackupRefused {
        byte[] body = RecordJson.bytes(Map.of("type", type.option(), "repo", repo));
        ApiAnswer r = http.send("POST", host, apiPort, "/backup", body, TIMEOUT);
        if (r.status() == 409) {
            throw new InstanceClient.BackupRefused(r.text());
        }
        if (r.status() != 202) {
            throw new IOException("POST /backup answered " + r.status() + ": " + r.text());
        }
        return RecordJson.read(r.body(), BackupReport.class);
    }

    /** The backup the instance runs or ran last; empty when it ran none since its instance manager started. */
    public Optional<BackupReport> lastBackup(String host, int apiPort) throws IOException {
        ApiAnswer r = http.send("GET", host, apiPort, "/backup", NO_BODY, TIMEOUT);
        if (r.status() == 404) {
            return Optional.empty();
        }
        expectOk(r, "GET /backup");
        return Optional.of(RecordJson.read(r.body(), BackupReport.class));
    }

    private static void expectOk(ApiAnswer r, String what) throws IOException {
        if (r.status() != 200) {
            throw new IOException(what + " answered " + r.status() + ": " + r.text());
        }
    }
}
