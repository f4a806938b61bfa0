package io.pgset.core.control;

import static io.pgset.core.control.ClusterControllerFailoverTest.readyPrimary;
import static io.pgset.core.control.ClusterControllerFailoverTest.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.control.ClusterControllerFailoverTest.FakeClient;
import io.pgset.core.control.ClusterControllerFailoverTest.FakeRuntime;
import io.pgset.core.control.ClusterControllerFailoverTest.MutableClock;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ClusterStatus.Switchover.State;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A switchover carried over controller passes, on a clock the test moves. */
class ClusterControllerSwitchoverTest {

    private static final ClusterSpec DEMO = SpecReader.defaults("demo");
    /** What FakeClient.demote answers. */
    private static final String CHECKPOINT = "0/3000100";

    private final List<String> log = new ArrayList<>();
    private final FakeRuntime runtime = new FakeRuntime(log);
    private final FakeClient client = new FakeClient(log);
    private final List<Event> events = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final ClusterController controller = new ClusterController(runtime, client, events::add, clock);

    @BeforeEach
    void healthyClusterOnDemo0() {
        runtime.start(0, 1, 2);
        runtime.recorded = Optional.of("demo-0");
        client.statuses.put("demo-0", readyPrimary("demo-0"));
        client.statuses.put("demo-1", replica("demo-1", CHECKPOINT));
        client.statuses.put("demo-2", replica("demo-2", CHECKPOINT));
    }

    @Test
    void targetThatReceivesTheShutdownCheckpointIsRecordedAndPromotedAtALaterPass() {
        ClusterStatus.Switchover begun = controller.beginSwitchover(DEMO, Optional.of("demo-2"));

        assertThat(begun.state()).isEqualTo(State.IN_PROGRESS);
        assertThat(begun).extracting(ClusterStatus.Switchover::from, ClusterStatus.Switchover::to,
                ClusterStatus.Switchover::checkpoint).containsExactly("demo-0", "demo-2", CHECKPOINT);
        assertThat(log).containsExactly("demote demo-0 for demo-2");

        primaryStopped();
        clock.advance(Duration.ofSeconds(1));
        ClusterStatus waiting = controller.reconcile(DEMO);
        assertThat(log).containsExactly("demote demo-0 for demo-2");
        assertThat(waiting.switchover().state()).isEqualTo(State.IN_PROGRESS);
        assertThat(waiting.message()).contains("demo-2 has not yet received the shutdown checkpoint " + CHECKPOINT);
        assertThat(controller.acted()).as("a switchover is watched closely").isTrue();

        client.statuses.put("demo-2", replica("demo-2", "0/3000200"));
        clock.advance(Duration.ofSeconds(1));
        ClusterStatus done = controller.reconcile(DEMO);

        assertThat(log).containsExactly("demote demo-0 for demo-2", "recordPrimary demo-2", "promote demo-2");
        assertThat(done.switchover().state()).isEqualTo(State.DONE);
        assertThat(controller.counters()).as("a switchover, no failover").isEqualTo(new HaCounters(0, 1, -1));
        assertThat(runtime.recorded).contains("demo-2");
        assertThat(events).anySatisfy(e -> {
            assertThat(e.reason()).isEqualTo(Event.Reason.PrimaryChanged);
            assertThat(e.message()).startsWith("primary is demo-2 (switchover; it had received the shutdown checkpoint");
        });
    }

    @Test
    void targetThatNeverCatchesUpLeavesThePrimaryRoleToTheOldPrimaryAfterThirtySeconds() {
        controller.beginSwitchover(DEMO, Optional.of("demo-2"));
        primaryStopped();
        controller.reconcile(DEMO);
        client.statuses.put("demo-0", startedReplica("demo-0"));
        clock.advance(Duration.ofMillis(29_900));
        ClusterStatus stillWaiting = controller.reconcile(DEMO);

        assertThat(log).as("no failover of the stopped primary, well past detection").containsExactly(
                "demote demo-0 for demo-2");
        assertThat(stillWaiting.switchover().state()).isEqualTo(State.IN_PROGRESS);

        clock.advance(Duration.ofMillis(100));
        ClusterStatus aborted = controller.reconcile(DEMO);

        assertThat(log).containsExactly("demote demo-0 for demo-2", "recordPrimary demo-0", "promote demo-0");
        assertThat(runtime.recorded).contains("demo-0");
        assertThat(aborted.switchover().state()).isEqualTo(State.ABORTED);
        assertThat(controller.counters()).as("an aborted switchover is not counted").isEqualTo(HaCounters.NONE);
        assertThat(aborted.switchover().message()).contains("demo-2 did not receive the shutdown checkpoint")
                .contains("demo-0 takes the primary role back");
        assertThat(events).anySatisfy(e -> {
            assertThat(e.reason()).isEqualTo(Event.Reason.Switchover);
            assertThat(e.severity()).isEqualTo(Event.Severity.WARNING);
            assertThat(e.message()).startsWith("switchover aborted: demo-2 did not receive");
        });
    }

    @Test
    void oldPrimaryTakesTheRoleBackOnlyOnceItHasStartedAgain() {
        controller.beginSwitchover(DEMO, Optional.of("demo-2"));
        primaryStopped();
        clock.advance(Duration.ofSeconds(40));
        ClusterStatus waiting = controller.reconcile(DEMO);

        assertThat(log).containsExactly("demote demo-0 for demo-2");
        assertThat(waiting.message()).contains("demo-0 takes the primary role back once it has started again");

        client.statuses.put("demo-0", startedReplica("demo-0"));
        clock.advance(Duration.ofSeconds(1));
        controller.reconcile(DEMO);

        assertThat(log).containsExactly("demote demo-0 for demo-2", "recordPrimary demo-0", "promote demo-0");
    }

    @Test
    void failedPromotionOfTheTargetRestoresTheRecordAndEndsTheSwitchover() {
        controller.beginSwitchover(DEMO, Optional.of("demo-2"));
        primaryStopped();
        client.statuses.put("demo-2", replica("demo-2", "0/3000200"));
        client.failPromote = true;

        ClusterStatus failed = controller.reconcile(DEMO);

        assertThat(log).containsExactly("demote demo-0 for demo-2", "recordPrimary demo-2", "promote demo-2",
                "recordPrimary demo-0");
        assertThat(runtime.recorded).contains("demo-0");
        assertThat(failed.switchover().state()).isEqualTo(State.FAILED);
        assertThat(failed.switchover().message()).contains("demo-2 did not come out of recovery");
        assertThat(events).anySatisfy(e -> assertThat(e.reason()).isEqualTo(Event.Reason.Failed));
        controller.reconcile(DEMO);
        assertThat(log).as("the switchover is over: the failover rules take it from here, after detection")
                .hasSize(4);
    }

    @Test
    void aSecondSwitchoverIsRefusedWhileOneIsInFlight() {
        controller.beginSwitchover(DEMO, Optional.of("demo-2"));

        assertThatThrownBy(() -> controller.beginSwitchover(DEMO, Optional.of("demo-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("switchover refused: switchover demo-0 -> demo-2 is in progress");
    }

    @Test
    void plannedSwitchoverBeginsInOnePassAndEndsInALaterOne() {
        runtime.recorded = Optional.of("demo-2");
        client.statuses.put("demo-2", readyPrimary("demo-2"));
        client.statuses.put("demo-0", replica("demo-0", "0/3000200"));
        ClusterSpec two = DEMO.withInstances(2);

        ClusterStatus begun = controller.reconcile(two);

        assertThat(switchoverSteps()).containsExactly("demote demo-2 for demo-0");
        assertThat(begun.switchover().state()).isEqualTo(State.IN_PROGRESS);
        assertThat(events).anySatisfy(e -> assertThat(e.message())
                .contains("scale down would remove the primary demo-2: switching over first"));

        client.statuses.put("demo-2", startedReplica("demo-2"));
        client.statuses.put("demo-0", replica("demo-0", "0/3000300"));
        ClusterStatus done = controller.reconcile(two);

        assertThat(switchoverSteps()).containsExactly("demote demo-2 for demo-0", "recordPrimary demo-0",
                "promote demo-0");
        assertThat(done.switchover().state()).isEqualTo(State.DONE);
    }

    private List<String> switchoverSteps() {
        return log.stream().filter(c -> !c.startsWith("follow ")).toList();
    }

    @Test
    void aControllerThatTakesOverCarriesTheSwitchoverOn() {
        controller.beginSwitchover(DEMO, Optional.of("demo-2"));
        primaryStopped();
        ClusterController successor = new ClusterController(runtime, client, events::add, clock);
        successor.takeOver(controller);
        client.statuses.put("demo-2", replica("demo-2", "0/3000200"));

        assertThat(successor.reconcile(DEMO).switchover().state()).isEqualTo(State.DONE);
        assertThat(log).containsExactly("demote demo-0 for demo-2", "recordPrimary demo-2", "promote demo-2");
    }

    /** The demoted primary while it shuts down: its instance answers, postgres does not. */
    private void primaryStopped() {
        client.statuses.put("demo-0", new InstanceStatus("demo-0", Role.UNKNOWN, false, false, 0, 1, null, null, false,
                0, 0, "stopping for a switchover", ""));
    }

    private static InstanceStatus startedReplica(String pod) {
        return new InstanceStatus(pod, Role.REPLICA, true, false, 44, 1, CHECKPOINT, CHECKPOINT, false, 0, 0,
                "not streaming", "127.0.0.1:5434");
    }
}
