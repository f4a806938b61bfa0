package io.pgset.core.control;

import static io.pgset.core.control.ClusterControllerTest.notReady;
import static io.pgset.core.control.ClusterControllerTest.primaryReady;
import static io.pgset.core.control.ClusterControllerTest.replicaStreaming;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.PendingRestart;
import io.pgset.core.spec.SpecReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A rollout that makes no progress says why and how to go back, instead of waiting in silence. */
class ClusterControllerRolloutTest {

    static final ClusterSpec SPEC = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\n"
            + "metadata: {name: demo}\nspec: {instances: 3, postgres: {parameters: {shared_buffers: 64MB}}}\n");
    static final String VERSION = SpecReader.version(SPEC);
    static final List<PendingRestart> BUFFERS = List.of(new PendingRestart("shared_buffers", "128MB", "64MB"));

    final ClusterControllerTest.FakeRuntime runtime = new ClusterControllerTest.FakeRuntime();
    final ClusterControllerTest.FakeClient client = new ClusterControllerTest.FakeClient();
    final ClusterControllerFailoverTest.MutableClock clock = new ClusterControllerFailoverTest.MutableClock();
    final List<Event> told = new ArrayList<>();
    final ClusterController controller = new ClusterController(runtime, client, told::add, clock);

    @BeforeEach
    void threeInstancesOnTheNewSpec() {
        runtime.start(0, 1, 2);
        runtime.recorded = java.util.Optional.of("demo-0");
        client.statuses.put("demo-0", primaryReady("demo-0").withConfig(VERSION, BUFFERS));
        client.statuses.put("demo-1", replicaStreaming("demo-1").withConfig(VERSION, BUFFERS));
        client.statuses.put("demo-2", replicaStreaming("demo-2").withConfig(VERSION, BUFFERS));
    }

    @Test
    void aReplicaThatStaysDownAfterItsRestartStallsTheRolloutAndSaysWhy() {
        controller.reconcile(SPEC);
        assertThat(client.asked).contains("restart demo-2");
        client.statuses.put("demo-2", notReady("demo-2", "postgres exited with code 1; restarting")
                .withConfig(VERSION, List.of()));

        clock.advance(Duration.ofSeconds(30));
        assertThat(controller.reconcile(SPEC).stalled()).isEmpty();

        clock.advance(ClusterController.RESTART_STALLS_AFTER);
        ClusterStatus status = controller.reconcile(SPEC);
        controller.reconcile(SPEC);

        assertThat(status.stalled()).contains("rollout stalled: demo-2 has not been ready in the 60 s since it"
                + " restarted for the new spec (postgres exited with code 1; restarting)", "re-apply the previous spec");
        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.RolloutStalled).singleElement()
                .satisfies(e -> assertThat(e.severity()).isEqualTo(Event.Severity.WARNING));
    }

    @Test
    void theStallEndsWhenTheInstanceIsReadyAgain() {
        controller.reconcile(SPEC);
        client.statuses.put("demo-2", notReady("demo-2", "starting"));
        clock.advance(ClusterController.RESTART_STALLS_AFTER);
        assertThat(controller.reconcile(SPEC).stalled()).isNotEmpty();

        client.statuses.put("demo-2", replicaStreaming("demo-2").withConfig(VERSION, List.of()));
        assertThat(controller.reconcile(SPEC).stalled()).isEmpty();
    }

    @Test
    void aRefusedConfigurationStopsTheRolloutAtThatInstance() {
        controller.reconcile(SPEC);
        client.asked.clear();
        client.statuses.put("demo-2", replicaStreaming("demo-2").withConfig(VERSION, List.of())
                .withConfigRejected("could not start postgres with spec " + VERSION + " (FATAL: could not access file"
                        + " \"nope\"); it went back to its last good configuration, spec 0123456789ab"));

        ClusterStatus status = controller.reconcile(SPEC);
        controller.reconcile(SPEC);

        assertThat(client.asked).noneMatch(a -> a.startsWith("restart"));
        assertThat(status.message()).contains("rollout stopped: demo-2 could not start postgres with spec");
        assertThat(status.stalled()).contains("went back to its last good configuration",
                "re-apply the previous spec");
        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.ConfigRejected).singleElement()
                .satisfies(e -> assertThat(e.pod()).contains("demo-2"));
    }

    @Test
    void aRefusalOfAnOlderSpecDoesNotStallTheNextOne() {
        client.statuses.put("demo-2", replicaStreaming("demo-2").withConfig("0123456789ab", List.of())
                .withConfigRejected("could not use the configuration of spec 0123456789ab (...)"));

        ClusterStatus status = controller.reconcile(SPEC);

        assertThat(status.stalled()).isEmpty();
        assertThat(client.asked).contains("reload demo-2");
    }

    @Test
    void aRolloutThatProgressesIsNotStalled() {
        ClusterStatus status = controller.reconcile(SPEC);
        assertThat(status.stalled()).isEmpty();
        assertThat(told).noneMatch(e -> e.reason() == Event.Reason.RolloutStalled);
    }

}
