package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgset.core.control.InstanceClient.BackupRefused;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.instance.ApiTls;
import io.pgset.instance.InstanceHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The instance API's backups ({@code POST /backup}, {@code GET /backup}), which the operator uses
 * on Kubernetes, against a real local cluster with real postgres and pgBackRest: the primary
 * starts one on its own volume and answers at once, and tells how it went; a replica, a second
 * backup while one runs, and bad input are refused with the reason, and nothing starts.
 */
class InstanceBackupIT extends PerTestHome {

    private static final String LOOPBACK = "127.0.0.1";

    @Test
    void thePrimaryBacksUpWhenAskedAndTellsHowItWentWhileOthersAreRefused() throws Exception {
        // schedule: {}: the local controller takes no backup of its own meanwhile.
        home.pgset("up", "-f", home.specFile("instances: 2\nbackup: {schedule: {}}\n").toString()).ok();
        Path ca = home.cluster("demo").resolve("secrets/ca.crt");
        String token = home.secret("demo", "api-token");
        InstanceHttpClient api = new InstanceHttpClient(token, ApiTls.client(ca));
        int primary = apiPort(0);
        int replica = apiPort(1);

        assertThatThrownBy(() -> api.startBackup(LOOPBACK, replica, BackupType.FULL, 1))
                .isInstanceOf(BackupRefused.class).hasMessageStartingWith("demo-1 is a replica: backups are taken"
                        + " on the primary");
        HttpClient http = HttpClient.newBuilder().sslContext(ApiTls.client(ca)).build();
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + primary + "/backup"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"weekly\", \"repo\": 0}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("type: full, diff or incr, got \"weekly\"; repo: a repository number"
                + " (an integer from 1), got 0");
        assertThatThrownBy(() -> api.startBackup(LOOPBACK, primary, BackupType.FULL, 2))
                .hasMessageContaining("POST /backup answered 400: repo: 2 is not a repository;"
                        + " spec.backup.repositories has 1 (local)");
        assertThat(api.lastBackup(LOOPBACK, primary)).as("nothing started so far").isEmpty();

        api.startBackup(LOOPBACK, primary, BackupType.FULL, 1);
        // pgBackRest waits at least for the backup's last WAL segment to be archived: it still runs.
        assertThatThrownBy(() -> api.startBackup(LOOPBACK, primary, BackupType.INCR, 1))
                .isInstanceOf(BackupRefused.class).hasMessageStartingWith("a full backup to repository 1 runs since ");

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> !api.lastBackup(LOOPBACK, primary).orElseThrow().running());
        BackupReport done = api.lastBackup(LOOPBACK, primary).orElseThrow();
        assertThat(done.state()).as("error: %s", done.error()).isEqualTo(BackupReport.State.SUCCEEDED);
        assertThat(done.type()).isEqualTo("full");
        assertThat(done.repo()).isEqualTo(1);
        assertThat(done.label()).matches("[0-9]{8}-[0-9]{6}F");
        assertThat(done.tookSeconds()).isPositive();
        assertThat(home.pgset("backups", "demo", "-o", "json").ok().out()).contains(done.label());
    }

    private int apiPort(int ordinal) throws Exception {
        return PgsetHome.JSON.readTree(home.cluster("demo").resolve("pods/demo-" + ordinal + "/ports.json").toFile())
                .path("api").asInt();
    }
}
