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
import java.util.List;
import org.junit.jupiter.api.Test;

/** pgset apply: reloads everywhere, restarts replicas first and the primary last, within the disruption budget. */
class RollingUpdateIT extends PerTestHome {

    @Test
    void reloadOnlyChangeReachesEveryInstanceWithoutARestart() throws Exception {
        home.pgset("up").ok();
        long[] postmasters = postmasters();
        PgsetHome.Result apply = home.pgset("apply", "-f", spec("work_mem: \"8MB\"", 1).toString()).ok();

        assertThat(apply.out()).contains("spec.postgres.parameters.work_mem: (default) -> 8MB", "is Healthy");
        for (int i = 0; i < 3; i++) {
            assertThat(show(i, "work_mem")).isEqualTo("8MB");
        }
        assertThat(postmasters()).as("no postgres restarted").containsExactly(postmasters);
        assertThat(home.pgset("events", "demo").ok().out()).contains("reload demo-0", "reload demo-1", "reload demo-2")
                .doesNotContain("restart demo-", "switchover");
        assertThat(home.pgset("apply", "-f", spec("work_mem: \"8MB\"", 1).toString()).ok().out())
                .contains("the spec is unchanged");
    }

    @Test
    void restartChangeRestartsReplicasHighestFirstThenSwitchesOverAndTheOldPrimaryLast() throws Exception {
        home.pgset("up").ok();
        home.note("demo", "before the rolling update");
        long[] postmasters = postmasters();

        PgsetHome.Result apply = home.pgset("apply", "-f", spec("shared_buffers: \"64MB\", max_connections: \"150\"", 1)
                .toString()).ok();

        assertThat(apply.out()).contains("spec.postgres.parameters.shared_buffers: (default) -> 64MB");
        long[] after = postmasters();
        for (int i = 0; i < 3; i++) {
            assertThat(after[i]).as("postgres of demo-%d restarted", i).isNotEqualTo(postmasters[i]);
            assertThat(show(i, "shared_buffers")).isEqualTo("64MB");
            assertThat(show(i, "max_connections")).isEqualTo("150");
            assertThat(home.pod("demo", i).path("pendingRestart")).isEmpty();
        }
        String events = home.pgset("events", "demo").ok().out();
        List<String> order = List.of("restart demo-2: rolling update, replicas first", "restart demo-1: rolling update",
                "switchover: rolling update, primary last: demo-0 waits for", "switchover demo-0 -> demo-");
        int at = -1;
        for (String step : order) {
            int next = events.indexOf(step, at + 1);
            assertThat(next).as("'%s' after the steps before it in%n%s", step, events).isGreaterThan(at);
            at = next;
        }
        assertThat(events).doesNotContain("restart demo-0");
        assertThat(home.status("demo").path("primary").asText()).isIn("demo-1", "demo-2");
        home.awaitNote("demo", home.servicePort("demo", "rw"), "before the rolling update");
        home.awaitNote("demo", home.pod("demo", 0).path("port").asInt(), "before the rolling update");
    }

    @Test
    void restartsWaitWithinMaxUnavailableAndStatusShowsWhatIsPending() throws Exception {
        home.pgset("up").ok();
        JsonNode demo2 = home.pod("demo", 2);
        long postmaster0 = home.postmasterPid("demo", "demo-0");
        // demo-2's instance manager stops answering: one instance is unavailable, the whole budget.
        PgsetHome.signal("STOP", demo2.path("pid").asLong());
        try {
            PgsetHome.Result apply = home.pgset("apply", "-f", spec("shared_buffers: \"64MB\"", 1).toString(),
                    "--timeout", "8");
            assertThat(apply.exit()).isNotZero();
            assertThat(apply.err()).contains("not Healthy after 8 s");
            JsonNode status = home.status("demo");
            assertThat(status.path("message").asText())
                    .contains("waits: 1 instance(s) unavailable and disruption.maxUnavailable is 1");
            assertThat(home.pod("demo", 0).path("pendingRestart").get(0).path("parameter").asText()).isEqualTo("shared_buffers");
            assertThat(home.pod("demo", 1).path("pendingRestart").get(0).path("wanted").asText()).isEqualTo("64MB");
            assertThat(home.pgset("status", "demo").ok().out()).contains("demo-1 restarts for: shared_buffers 128MB -> 64MB");
            assertThat(home.postmasterPid("demo", "demo-0")).isEqualTo(postmaster0);
            assertThat(home.pgset("events", "demo").ok().out()).doesNotContain("restart demo-");
        } finally {
            PgsetHome.signal("CONT", demo2.path("pid").asLong());
        }
        // Back within budget, the rollout finishes on its own; apply with the same spec waits for it.
        home.pgset("apply", "-f", spec("shared_buffers: \"64MB\"", 1).toString()).ok();
        for (int i = 0; i < 3; i++) {
            assertThat(show(i, "shared_buffers")).isEqualTo("64MB");
        }
    }

    @Test
    void maxConnectionsBackToItsDefaultRestartsThePrimaryFirstAndFinishes() throws Exception {
        home.pgset("up", "-f", spec("max_connections: \"200\"", 1).toString()).ok();
        home.note("demo", "before the rollout");
        assertThat(show(2, "max_connections")).isEqualTo("200");

        long start = System.nanoTime();
        PgsetHome.Result apply = home.pgset("apply", "-f", spec("", 1).toString(), "--timeout", "120").ok();
        System.out.printf("max_connections 200 -> default rollout: %.1f s%n", (System.nanoTime() - start) / 1e9);

        assertThat(apply.out()).contains("spec.postgres.parameters.max_connections: 200 -> (default)", "is Healthy",
                "the previous spec is kept in");
        for (int i = 0; i < 3; i++) {
            assertThat(show(i, "max_connections")).isEqualTo("100");
        }
        String events = home.pgset("events", "demo").ok().out();
        assertThat(events).contains("restart demo-0: rolling update, primary first: lowering max_connections 200 -> 100"
                + " (default)");
        assertThat(events.indexOf("restart demo-0")).as(events).isLessThan(events.indexOf("restart demo-2"))
                .isLessThan(events.indexOf("restart demo-1"));
        assertThat(events).doesNotContain("stalled");
        home.awaitNote("demo", home.servicePort("demo", "rw"), "before the rollout");
    }

    @Test
    void changesThatCannotBeAppliedAreRefusedAndNothingIsWritten() throws Exception {
        home.pgset("up", "-f", home.specFile("instances: 1").toString()).ok();
        String before = Files.readString(home.cluster("demo").resolve("spec.yaml"));
        Path changedBootstrap = home.dir.resolve("bootstrap.yaml");
        Files.writeString(changedBootstrap, """
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec:
                  instances: 1
                  postgres: {parameters: {work_mem: "16MB"}}
                  bootstrap: {initdb: {database: other}}
                """);
        PgsetHome.Result refused = home.pgset("apply", "-f", changedBootstrap.toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("cannot apply this spec to cluster demo; nothing was changed",
                "spec.bootstrap: takes effect only when a cluster is created");
        assertThat(Files.readString(home.cluster("demo").resolve("spec.yaml"))).isEqualTo(before);
        assertThat(show(0, "work_mem")).isEqualTo("4MB");

        Path unknown = home.dir.resolve("unknown.yaml");
        Files.writeString(unknown, "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: other}\n");
        PgsetHome.Result missing = home.pgset("apply", "-f", unknown.toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("no cluster named 'other'", "`pgset up -f FILE` creates it");

        Path invalid = home.dir.resolve("invalid.yaml");
        Files.writeString(invalid, "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n"
                + "spec: {instances: 1, postgres: {parameters: {port: \"5433\"}}}\n");
        PgsetHome.Result bad = home.pgset("apply", "-f", invalid.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("spec.postgres.parameters.port");
        assertThat(Files.readString(home.cluster("demo").resolve("spec.yaml"))).isEqualTo(before);
    }

    private Path spec(String parameters, int maxUnavailable) throws Exception {
        return home.specFile("""
                instances: 3
                postgres: {parameters: {%s}}
                disruption: {maxUnavailable: %d}
                """.formatted(parameters, maxUnavailable));
    }

    private long[] postmasters() throws Exception {
        return new long[] {home.postmasterPid("demo", "demo-0"), home.postmasterPid("demo", "demo-1"),
                home.postmasterPid("demo", "demo-2")};
    }

    private String show(int ordinal, String parameter) throws Exception {
        int port = home.pod("demo", ordinal).path("port").asInt();
        String[] value = new String[1];
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Connection c = home.connect("demo", port); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW " + parameter)) {
                rs.next();
                value[0] = rs.getString(1);
                return true;
            }
        });
        return value[0];
    }
}
