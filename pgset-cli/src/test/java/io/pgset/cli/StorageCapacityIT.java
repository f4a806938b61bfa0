package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * spec.storage.size is a local volume's capacity: data written past storage.alertPercent makes
 * the instance StorageNearlyFull (condition, event, status), a larger size applied clears it with
 * no restart, and a smaller one is then refused and changes nothing.
 */
class StorageCapacityIT extends PerTestHome {

    private static final long MI = 1L << 20;

    @Test
    void writingPastTheAlertIsReportedAndALargerSizeClearsItWithoutARestart() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1\nstorage: {size: 64Mi}").toString()).ok();
        JsonNode before = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> home.pod("demo", 0), p -> p.path("storage").path("capacityBytes").asLong() == 64 * MI
                        // a measurement of the data (a WAL segment alone is 16 MiB), not one from before initdb
                        && p.path("storage").path("usedBytes").asLong() >= 16 * MI);
        assertThat(before.path("storage").path("level").asText()).as("a new instance's use: %s", before)
                .isEqualTo("OK");
        // What the volume holds now, measured here as the instance measures it: its last figure may
        // come from before bootstrap added the app database (initdb may be complete before the
        // instance's first measurement, see InitdbAhead).
        long used = volumeBytes(home.cluster("demo").resolve("volumes/data-demo-0"));
        long instancePid = before.path("pid").asLong();
        long postmasterPid = home.postmasterPid("demo", "demo-0");

        // An unlogged table's pages go to its file as it grows, and write no WAL: the use grows by
        // what is inserted, to about 88% of the capacity, short of full.
        long rows = (long) (0.88 * 64 * MI - used) / 1024;
        execute("CREATE UNLOGGED TABLE filler (id int, pad text)");
        execute("INSERT INTO filler SELECT g, repeat('x', 990) FROM generate_series(1, " + rows + ") g");

        JsonNode nearly = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> home.status("demo"),
                s -> condition(s, "StorageNearlyFull").path("status").asBoolean());
        assertThat(condition(nearly, "StorageNearlyFull").path("reason").asText()).isEqualTo("AboveAlert");
        assertThat(condition(nearly, "StorageNearlyFull").path("message").asText())
                .startsWith("demo-0 volume ").contains("of 64.0 MiB (", "alert at 80%");
        assertThat(nearly.path("pods").get(0).path("storage").path("level").asText()).isEqualTo("NEARLY_FULL");
        assertThat(home.pgset("status", "demo").ok().out()).contains("VOLUME NEARLY FULL: demo-0 volume");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> home.pgset("events", "demo").out().contains("demo-0 volume"));

        Path larger = home.specFile("instances: 1\nstorage: {size: 1Gi}");
        assertThat(home.pgset("apply", "--dry-run", "-f", larger.toString()).ok().out())
                .contains("volumes: capacity grows from 64Mi to 1Gi, no restart");
        home.pgset("apply", "-f", larger.toString()).ok();
        JsonNode cleared = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> home.status("demo"),
                s -> !condition(s, "StorageNearlyFull").path("status").asBoolean());
        assertThat(cleared.path("pods").get(0).path("storage").path("level").asText()).isEqualTo("OK");
        assertThat(home.pgset("events", "demo").out()).contains("below the alert at 80% again");
        assertThat(cleared.path("pods").get(0).path("pid").asLong()).as("the instance process").isEqualTo(instancePid);
        assertThat(home.postmasterPid("demo", "demo-0")).as("postgres, not restarted").isEqualTo(postmasterPid);

        // Back down is refused with the reason, and nothing is written.
        Path spec = home.cluster("demo").resolve("spec.yaml");
        String applied = Files.readString(spec);
        String previous = Files.readString(home.cluster("demo").resolve("spec.previous.yaml"));
        PgsetHome.Result refused = home.pgset("apply", "-f", home.specFile("instances: 1\nstorage: {size: 64Mi}")
                .toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("spec.storage.size: 1Gi -> 64Mi: a volume cannot shrink");
        assertThat(Files.readString(spec)).isEqualTo(applied);
        assertThat(Files.readString(home.cluster("demo").resolve("spec.previous.yaml"))).isEqualTo(previous);
    }

    private static long volumeBytes(Path volume) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(volume)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private void execute(String sql) throws Exception {
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
