package io.pgset.core.plan;

import static io.pgset.core.plan.FailoverPlannerTest.primary;
import static io.pgset.core.plan.FailoverPlannerTest.replica;
import static io.pgset.core.plan.FailoverPlannerTest.replicaReplayedOnly;
import static io.pgset.core.plan.FailoverPlannerTest.spec;
import static io.pgset.core.plan.FailoverPlannerTest.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Choosing (or refusing) the target of a planned switchover, from tables of observed instances. */
class SwitchoverPlannerTest {

    static final ClusterSpec THREE = spec("{instances: 3}");

    static SwitchoverPlanner.Choice choose(ClusterSpec spec, Optional<String> to, ObservedPod... pods) {
        return SwitchoverPlanner.choose(new Observation(spec, List.of(pods), Optional.of("demo-0")), to);
    }

    @Test
    void withoutATargetTheMostAdvancedReadyReplicaIsChosenLowestOrdinalOnATie() {
        assertThat(choose(THREE, Optional.empty(), primary(0), replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200"))
                .target()).map(ObservedPod::name).contains("demo-2");
        assertThat(choose(THREE, Optional.empty(), primary(0), replica(1), replica(2)).target())
                .map(ObservedPod::name).contains("demo-1");
    }

    @Test
    void aRequestedHealthyReplicaIsTakenEvenIfAnotherIsFurtherAhead() {
        SwitchoverPlanner.Choice choice = choose(THREE, Optional.of("demo-1"), primary(0), replica(1, 1, "0/3000100"),
                replica(2, 1, "0/3000200"));
        assertThat(choice.target()).map(ObservedPod::name).contains("demo-1");
        assertThat(choice.primary()).map(ObservedPod::name).contains("demo-0");
    }

    @ParameterizedTest(name = "--to {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "demo-0 | demo-0 is already the primary",
            "demo-7 | demo-7 is not a running instance of demo",
            "demo-3 | demo-3 is not a running instance of demo",
    })
    void targetsThatAreNotReplicasOfThisClusterAreRefused(String target, String why) {
        ClusterSpec four = spec("{instances: 3, disruption: {maxUnavailable: 2}}");
        SwitchoverPlanner.Choice choice = choose(four, Optional.of(target), primary(0), replica(1), replica(2), replica(3));
        assertThat(choice.target()).isEmpty();
        assertThat(choice.refusal()).isEqualTo(why);
    }

    @Test
    void aReplicaThatDoesNotStreamIsRefusedWithWhatItIsDoing() {
        ClusterSpec spec = spec("{instances: 3, disruption: {maxUnavailable: 2}}");
        SwitchoverPlanner.Choice choice = choose(spec, Optional.of("demo-2"), primary(0), replica(1),
                replicaReplayedOnly(2, "0/3000000"));
        assertThat(choice.target()).isEmpty();
        assertThat(choice.refusal()).isEqualTo("demo-2 is not a healthy replica (replica, not ready: not streaming)");
    }

    @Test
    void noReadyPrimaryMeansNothingToHandOver() {
        assertThat(choose(THREE, Optional.empty(), replica(1), replica(2)).refusal())
                .isEqualTo("there is no ready primary to switch over from");
    }

    @Test
    void aSwitchoverStaysWithinTheDisruptionBudget() {
        SwitchoverPlanner.Choice refused = choose(THREE, Optional.of("demo-1"), primary(0), replica(1), unreachable(2));
        assertThat(refused.target()).isEmpty();
        assertThat(refused.refusal()).contains("1 instance(s) unavailable already")
                .contains("disruption.maxUnavailable is 1");

        ClusterSpec roomier = spec("{instances: 3, disruption: {maxUnavailable: 2}}");
        assertThat(choose(roomier, Optional.of("demo-1"), primary(0), replica(1), unreachable(2)).target())
                .map(ObservedPod::name).contains("demo-1");
    }

    @Test
    void aMissingInstanceCountsAsUnavailable() {
        assertThat(choose(THREE, Optional.empty(), primary(0), replica(1)).refusal())
                .contains("1 instance(s) unavailable already");
    }

    @Test
    void duringASwitchoverOtherPlannersLeaveItsTwoInstancesAloneAndNeitherFailOverNorWait() {
        SwitchoverInFlight s = new SwitchoverInFlight("demo-0", "demo-2", "0/3000100", java.time.Instant.EPOCH);
        List<Action> others = List.of(
                new Action.Restart("demo-0", "rolling update"),
                new Action.Restart("demo-1", "rolling update"),
                new Action.Follow("demo-1", "demo-2", "follow"),
                new Action.Fence("demo-1", "lost"),
                new Action.Promote("demo-1", "most advanced"),
                new Action.Switchover(Optional.empty(), "rolling update"),
                new Action.Wait("waiting for the primary demo-0"),
                new Action.Reload("demo-1", "new spec"),
                new Action.CreatePod(3, Optional.of("demo-2"), false, "scale up"),
                new Action.DeletePod("demo-2", false, "scale down"));

        assertThat(SwitchoverPlanner.alongside(s, spec("{instances: 4}"), others)).containsExactly(
                new Action.Restart("demo-1", "rolling update"), new Action.Reload("demo-1", "new spec"));
    }

    @Test
    void aSwitchoverEndsWhenItsTargetHasReceivedWalPastTheCheckpointOrGoesBackAfterTheCatchUpWindow() {
        java.time.Instant start = java.time.Instant.parse("2026-01-01T00:00:00Z");
        SwitchoverInFlight s = new SwitchoverInFlight("demo-0", "demo-1", "0/3000100", start);
        Observation behind = new Observation(THREE, List.of(replica(1, 1, "0/3000100"), replica(0, 1, "0/3000100")),
                Optional.of("demo-0"));
        Observation past = new Observation(THREE, List.of(replica(1, 1, "0/3000101")), Optional.of("demo-0"));

        assertThat(SwitchoverPlanner.next(s, past, start)).isInstanceOfSatisfying(Action.Handover.class, h -> {
            assertThat(h.pod()).isEqualTo("demo-1");
            assertThat(h.aborted()).isFalse();
        });
        assertThat(SwitchoverPlanner.next(s, behind, start.plus(SwitchoverPlanner.CATCH_UP).minusMillis(1)))
                .isInstanceOf(Action.Wait.class);
        assertThat(SwitchoverPlanner.next(s, behind, start.plus(SwitchoverPlanner.CATCH_UP)))
                .isInstanceOfSatisfying(Action.Handover.class, h -> {
                    assertThat(h.pod()).isEqualTo("demo-0");
                    assertThat(h.aborted()).isTrue();
                });
    }
}
