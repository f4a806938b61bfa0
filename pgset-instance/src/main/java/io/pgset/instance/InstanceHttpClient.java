package io.pgset.instance;

import io.pgset.core.control.InstanceClient;
import io.pgset.core.json.JsonText;
import io.pgset.core.json.RecordJson;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.InstanceStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** Calls an instance's API (see {@link InstanceApi}); runtimes use it to observe and direct instances. */
public final class InstanceHttpClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http;
    private final String token;

    /** @param tls trusts the cluster CA only (see {@link ApiTls#client}) */
    public InstanceHttpClient(String token, SSLContext tls) {
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).sslContext(tls).build();
    }

    public InstanceStatus status(String pod, String host, int apiPort) {
        try {
            HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(host, apiPort, "/status")).GET(), TIMEOUT);
            if (r.statusCode() != 200) {
                return InstanceStatus.unreachable(pod, "status answered " + r.statusCode());
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
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    public void ensureSlots(String host, int apiPort, List<String> slots) throws IOException {
        byte[] body = RecordJson.bytes(Map.of("slots", slots));
        expectOk(send(HttpRequest.newBuilder(uri(host, apiPort, "/slots"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), TIMEOUT), "PUT /slots");
    }

    public void promote(String host, int apiPort) throws IOException {
        expectOk(send(HttpRequest.newBuilder(uri(host, apiPort, "/promote")).POST(HttpRequest.BodyPublishers.noBody()),
                Duration.ofSeconds(70)), "POST /promote");
    }

    public void follow(String host, int apiPort, String primaryHost, int primaryPort) throws IOException {
        byte[] body = RecordJson.bytes(Map.of("host", primaryHost, "port", primaryPort));
        expectOk(send(HttpRequest.newBuilder(uri(host, apiPort, "/follow")).POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                Duration.ofSeconds(100)), "POST /follow");
    }

    /** @return the shutdown checkpoint LSN of the demoted primary */
    public String demote(String host, int apiPort, String primaryHost, int primaryPort) throws IOException {
        byte[] body = RecordJson.bytes(Map.of("host", primaryHost, "port", primaryPort));
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(host, apiPort, "/demote"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), Duration.ofSeconds(100));
        expectOk(r, "POST /demote");
        return JsonText.parse(r.body()).path("shutdownCheckpoint").asText();
    }

    public void restart(String host, int apiPort) throws IOException {
        expectOk(send(HttpRequest.newBuilder(uri(host, apiPort, "/restart")).POST(HttpRequest.BodyPublishers.noBody()),
                Duration.ofSeconds(100)), "POST /restart");
    }

    /** @return when the new server certificate expires */
    public String renewCertificates(String host, int apiPort) throws IOException {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(host, apiPort, "/certificates/renew"))
                .POST(HttpRequest.BodyPublishers.noBody()), Duration.ofSeconds(30));
        expectOk(r, "POST /certificates/renew");
        return JsonText.parse(r.body()).path("expires").asText();
    }

    /** @param spec the spec to load instead of the instance's spec file (see POST /reload), if any */
    public void reload(String host, int apiPort, Optional<String> spec) throws IOException {
        HttpRequest.BodyPublisher body = spec.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(RecordJson.bytes(Map.of("spec", spec.get())));
        expectOk(send(HttpRequest.newBuilder(uri(host, apiPort, "/reload")).POST(body), Duration.ofSeconds(30)),
                "POST /reload");
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
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(host, apiPort, "/backup"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), TIMEOUT);
        if (r.statusCode() == 409) {
            throw new InstanceClient.BackupRefused(new String(r.body(), StandardCharsets.UTF_8).strip());
        }
        if (r.statusCode() != 202) {
            throw new IOException("POST /backup answered " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8).strip());
        }
        return RecordJson.read(r.body(), BackupReport.class);
    }

    /** The backup the instance runs or ran last; empty when it ran none since its instance manager started. */
    public Optional<BackupReport> lastBackup(String host, int apiPort) throws IOException {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(host, apiPort, "/backup")).GET(), TIMEOUT);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expectOk(r, "GET /backup");
        return Optional.of(RecordJson.read(r.body(), BackupReport.class));
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, Duration timeout) throws IOException {
        try {
            return http.send(request.timeout(timeout).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void expectOk(HttpResponse<byte[]> r, String what) throws IOException {
        if (r.statusCode() != 200) {
            throw new IOException(what + " answered " + r.statusCode() + ": " + new String(r.body()).strip());
        }
    }

    private static URI uri(String host, int port, String path) {
        return URI.create("https://" + host + ":" + port + path);
    }
}
