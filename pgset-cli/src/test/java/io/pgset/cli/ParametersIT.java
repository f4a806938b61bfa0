package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * spec.postgres.parameters checked against the installed server before anything is written,
 * apply --dry-run, and an instance going back to its last good configuration when postgres
 * refuses a new one anyway.
 */
class ParametersIT extends PerTestHome {

    @Test
    void invalidParametersAreRefusedByFieldPathWithNothingWrittenAndDryRunShowsWhatWouldChange() throws Exception {
        Path invalid = spec("max_connections: \"lots\", shared_bufers: \"1GB\", synchronous_commit: \"maybe\"");
        PgsetHome.Result before = home.pgset("up", "-f", invalid.toString());
        assertThat(before.exit()).isNotZero();
        assertThat(before.err()).contains(
                "spec.postgres.parameters.max_connections: must be an integer from 1 to 262143, got \"lots\"",
                "spec.postgres.parameters.shared_bufers: unknown parameter; did you mean shared_buffers?",
                "spec.postgres.parameters.synchronous_commit: must be one of local, remote_write, remote_apply, on,"
                        + " off, got \"maybe\"");
        assertThat(home.cluster("demo")).doesNotExist();

        home.pgset("up").ok();
        String applied = Files.readString(home.cluster("demo").resolve("spec.yaml"));
        long[] postmasters = postmasters();

        for (String command : new String[] {"apply", "dry-run"}) {
            PgsetHome.Result refused = command.equals("apply")
                    ? home.pgset("apply", "-f", invalid.toString())
                    : home.pgset("apply", "--dry-run", "-f", invalid.toString());
            assertThat(refused.exit()).as(command).isNotZero();
            assertThat(refused.err()).as(command).contains("spec.postgres.parameters.max_connections",
                    "spec.postgres.parameters.shared_bufers", "spec.postgres.parameters.synchronous_commit");
        }

        PgsetHome.Result dryRun = home.pgset("apply", "--dry-run", "-f",
                spec("shared_buffers: \"64MB\", work_mem: \"8MB\"").toString()).ok();
        assertThat(dryRun.out()).contains("apply would change (dry run, nothing was written)",
                "spec.postgres.parameters.shared_buffers: (default) -> 64MB",
                "demo-0 (primary): restarts for shared_buffers 16384 (default) -> 64MB; reloads work_mem first",
                "demo-2: restarts for shared_buffers",
                "order: replicas one at a time, highest ordinal first (demo-2, demo-1), each Ready before the next;"
                        + " then a switchover, and demo-0 restarts last");
        PgsetHome.Result reloadOnly = home.pgset("apply", "--dry-run", "-f", spec("work_mem: \"8MB\"").toString()).ok();
        assertThat(reloadOnly.out()).contains("demo-1: reloads (no restart) for work_mem").doesNotContain("restarts");

        assertThat(Files.readString(home.cluster("demo").resolve("spec.yaml"))).isEqualTo(applied);
        assertThat(home.cluster("demo").resolve("spec.previous.yaml")).doesNotExist();
        assertThat(postmasters()).as("nothing restarted").containsExactly(postmasters);
        assertThat(home.pgset("events", "demo").ok().out()).doesNotContain("reload demo-");
    }

    @Test
    void aConfigurationPostgresRefusesAtStartFallsBackToTheLastGoodAndTheRolloutSaysHowToGoBack() throws Exception {
        home.pgset("up").ok();
        home.note("demo", "before the bad spec");

        long start = System.nanoTime();
        PgsetHome.Result apply = home.pgset("apply", "-f",
                spec("shared_preload_libraries: \"no_such_library\"").toString(), "--timeout", "120");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("apply of a spec postgres refuses at start ended after %.1f s%n", seconds);

        Path previous = home.cluster("demo").resolve("spec.previous.yaml");
        assertThat(apply.exit()).isNotZero();
        assertThat(apply.err()).contains("the rollout of cluster demo makes no progress",
                "rollout stopped: demo-2 could not use the configuration of spec",
                "it went back to its last good configuration",
                "to go back: `pgset apply -f " + previous + "`");
        assertThat(seconds).as("apply ends long before its timeout").isLessThan(60);
        String events = home.pgset("events", "demo").ok().out();
        assertThat(events).contains("demo-2 could not use the configuration of spec", "last good configuration");
        assertThat(events).doesNotContain("restart demo-1", "restart demo-0", "switchover");
        // Back on its last good configuration, demo-2 serves again.
        await().atMost(Duration.ofSeconds(30)).until(() -> home.pod("demo", 2).path("ready").asBoolean());
        assertThat(home.cluster("demo").resolve("volumes/data-demo-2/spec.last-good.yaml")).exists();

        home.pgset("apply", "-f", previous.toString(), "--timeout", "120").ok();
        assertThat(home.status("demo").path("stalled").asText()).isEmpty();
        home.awaitNote("demo", home.servicePort("demo", "rw"), "before the bad spec");
    }

    private Path spec(String parameters) throws Exception {
        return home.specFile("""
                instances: 3
                postgres: {parameters: {%s}}
                """.formatted(parameters));
    }

    private long[] postmasters() throws Exception {
        return new long[] {home.postmasterPid("demo", "demo-0"), home.postmasterPid("demo", "demo-1"),
                home.postmasterPid("demo", "demo-2")};
    }
}
