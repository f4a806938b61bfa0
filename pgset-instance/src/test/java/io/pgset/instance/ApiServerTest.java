package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import io.pgset.core.control.InstanceClient;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real API server on loopback, called by the real client, with the routes reading bodies as InstanceApi's do. */
class ApiServerTest {

    private static final String TOKEN = "test-token";

    private static final BackupReport REPORT = new BackupReport(BackupReport.State.FAILED, "incr", 2,
            "2026-01-01T03:00:00Z", 12.5, "", "", "[056]: unable to find base backup");

    @TempDir
    Path dir;

    private ApiServer server;
    private InstanceHttpClient client;
    private final AtomicReference<InstanceOptions.Endpoint> followed = new AtomicReference<>();
    private final AtomicReference<List<String>> slots = new AtomicReference<>();

    @BeforeEach
    void serve() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        server = new ApiServer("127.0.0.1", 0, TOKEN, "test", tls.context());
        server.secured("POST", "/follow", body -> {
            followed.set(RequestBodies.endpoint(body));
            return ApiServer.Response.json(Map.of("following", followed.get().toString()));
        }).secured("PUT", "/slots", body -> {
            slots.set(RequestBodies.slots(body));
            return ApiServer.Response.json(Map.of("changes", List.of()));
        }).secured("POST", "/backup", body -> {
            throw new ApiServer.Conflict("a full backup to repository 1 runs since 2026-01-01T03:00:00Z");
        }).secured("GET", "/backup", body -> ApiServer.Response.json(REPORT))
          .secured("POST", "/promote", body -> {
            throw new java.sql.SQLException("postgres is not running");
        });
        server.start();
        Path caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, ca.certificatePem());
        client = new InstanceHttpClient(TOKEN, ApiTls.client(caFile));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aWellFormedActionIsDone() throws Exception {
        client.follow("127.0.0.1", server.port(), "10.0.0.7", 5432);
        assertThat(followed.get()).isEqualTo(new InstanceOptions.Endpoint("10.0.0.7", 5432));
        client.ensureSlots("127.0.0.1", server.port(), List.of());
        assertThat(slots.get()).isEmpty();
    }

    @Test
    void aBadBodyIsA400NamingTheFieldAndNothingIsDone() {
        assertThatThrownBy(() -> client.follow("127.0.0.1", server.port(), "10.0.0.7", 0))
                .isInstanceOf(IOException.class)
                .hasMessage("POST /follow answered 400: port: an integer 1-65535, got 0");
        assertThat(followed.get()).isNull();
    }

    @Test
    void aFailingActionIsStillA500() {
        assertThatThrownBy(() -> client.promote("127.0.0.1", server.port()))
                .isInstanceOf(IOException.class)
                .hasMessage("POST /promote answered 500: postgres is not running");
    }

    @Test
    void aConflictIsA409TheCallerReadsAsARefusalAndAReportTravelsWhole() throws Exception {
        assertThatThrownBy(() -> client.startBackup("127.0.0.1", server.port(), BackupType.FULL, 1))
                .isInstanceOf(InstanceClient.BackupRefused.class)
                .hasMessage("a full backup to repository 1 runs since 2026-01-01T03:00:00Z");
        assertThat(client.lastBackup("127.0.0.1", server.port())).contains(REPORT);
    }

    @Test
    void onlyTheExactBearerHeaderIsAuthorized() {
        byte[] expected = "Bearer s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(ApiServer.authorized("Bearer s3cret", expected)).isTrue();
        assertThat(ApiServer.authorized("Bearer s3cre", expected)).isFalse();
        assertThat(ApiServer.authorized("s3cret", expected)).isFalse();
        assertThat(ApiServer.authorized(null, expected)).isFalse();
    }
}
