package io.pgset.core.plan;

import static io.pgset.core.plan.FailoverPlannerTest.observe;
import static io.pgset.core.plan.FailoverPlannerTest.primary;
import static io.pgset.core.plan.FailoverPlannerTest.replica;
import static io.pgset.core.plan.FailoverPlannerTest.running;
import static io.pgset.core.plan.FailoverPlannerTest.spec;
import static io.pgset.core.plan.FailoverPlannerTest.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PendingRestart;
import io.pgset.core.spec.SpecReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rolling update rules, from tables of observed instances. */
class RollingUpdatePlannerTest {

    static final ClusterSpec THREE = spec("{instances: 3, postgres: {parameters: {shared_buffers: 64MB}}}");
    static final String NOW = SpecReader.version(THREE);
    static final List<PendingRestart> BUFFERS = List.of(new PendingRestart("shared_buffers", "128MB", "64MB"));

    @Test
    void everyStartedInstanceOnAnOlderSpecIsReloadedAtOnceAndNothingRestartsMeanwhile() {
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), "old", BUFFERS), at(replica(1), NOW, BUFFERS), at(replica(2), "old", List.of())));

        assertThat(steps(plan)).containsExactly("Reload demo-0", "Reload demo-2");
        assertThat(plan.get(0).reason()).contains("loads version " + NOW).contains("it runs old");
    }

    @Test
    void instancesThatReportNoVersionAreLeftAlone() {
        assertThat(RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO, primary(0), replica(1), replica(2))))
                .isEmpty();
    }

    @Test
    void replicasRestartHighestOrdinalFirstOneAtATime() {
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, BUFFERS), at(replica(1), NOW, BUFFERS), at(replica(2), NOW, BUFFERS)));

        assertThat(steps(plan)).containsExactly("Restart demo-2");
        assertThat(plan.get(0).reason()).contains("replicas first").contains("shared_buffers 128MB -> 64MB");
    }

    @Test
    void theNextReplicaWaitsUntilTheLastIsReadyAgain() {
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, BUFFERS), at(replica(1), NOW, BUFFERS), unreachable(2)));

        assertThat(steps(plan)).singleElement().asString()
                .contains("waits: 1 instance(s) unavailable and disruption.maxUnavailable is 1");
    }

    @Test
    void aMissingInstanceCountsAgainstTheBudgetToo() {
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, BUFFERS), at(replica(1), NOW, BUFFERS)));

        assertThat(steps(plan)).singleElement().asString().startsWith("Wait").contains("1 instance(s) unavailable");
    }

    @Test
    void aLargerBudgetLetsARestartGoOnWhileAnotherInstanceIsDown() {
        ClusterSpec spec = spec("{instances: 3, disruption: {maxUnavailable: 2}}");
        String version = SpecReader.version(spec);
        List<Action> plan = RollingUpdatePlanner.plan(observe(spec, "demo-0", Duration.ZERO,
                at(primary(0), version, BUFFERS), at(replica(1), version, BUFFERS), unreachable(2)));

        assertThat(steps(plan)).containsExactly("Restart demo-1");
    }

    @Test
    void thePrimaryGoesLastBySwitchover() {
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, BUFFERS), at(replica(1), NOW, List.of()), at(replica(2), NOW, List.of())));

        assertThat(plan).singleElement().isInstanceOf(Action.Switchover.class);
        assertThat(((Action.Switchover) plan.get(0)).to()).isEmpty();
        assertThat(plan.get(0).reason()).contains("primary last").contains("switching over first");
    }

    @Test
    void aSingleInstanceRestartsInPlace() {
        ClusterSpec one = spec("{instances: 1}");
        List<Action> plan = RollingUpdatePlanner.plan(observe(one, "demo-0", Duration.ZERO,
                at(primary(0), SpecReader.version(one), BUFFERS)));

        assertThat(steps(plan)).containsExactly("Restart demo-0");
        assertThat(plan.get(0).reason()).contains("single instance");
    }

    @Test
    void withoutAReadyReplicaThePrimaryWaitsInsteadOfGoingDown() {
        ClusterSpec two = spec("{instances: 2, disruption: {maxUnavailable: 2}}");
        String version = SpecReader.version(two);
        List<Action> plan = RollingUpdatePlanner.plan(observe(two, "demo-0", Duration.ZERO,
                at(primary(0), version, BUFFERS), unreachable(1)));

        assertThat(steps(plan)).singleElement().asString().contains("no ready replica can take over first");
    }

    @Test
    void loweringAHotStandbyMinimumRestartsThePrimaryFirst() {
        List<PendingRestart> lower = List.of(new PendingRestart("max_connections", "200", "100"));
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, lower), at(replica(1), NOW, lower), at(replica(2), NOW, lower)));

        assertThat(steps(plan)).containsExactly("Restart demo-0");
        assertThat(plan.get(0).reason()).contains("primary first").contains("max_connections 200 -> 100");
    }

    @Test
    void removingAStandbyMinimumAboveTheServerDefaultRestartsThePrimaryFirst() {
        List<PendingRestart> back = List.of(new PendingRestart("max_connections", "200", "100", true));
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, back), at(replica(1), NOW, back), at(replica(2), NOW, back)));

        assertThat(steps(plan)).containsExactly("Restart demo-0");
        assertThat(plan.get(0).reason()).contains("primary first").contains("max_connections 200 -> 100 (default)");
    }

    @Test
    void removingAStandbyMinimumBelowTheServerDefaultRestartsReplicasFirst() {
        List<PendingRestart> back = List.of(new PendingRestart("max_connections", "50", "100", true));
        List<Action> plan = RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, back), at(replica(1), NOW, back), at(replica(2), NOW, back)));

        assertThat(steps(plan)).containsExactly("Restart demo-2");
    }

    @ParameterizedTest
    @CsvSource({
            "max_connections, 100, 200, false",
            "max_connections, 200, 100, true",
            "max_worker_processes, 8, 4, true",
            "max_locks_per_transaction, 64, 64, false",
            "shared_buffers, 256, 128, false",
            "max_connections, 200, (default), false",
    })
    void onlyALowerValueOfAStandbyMinimumFlipsTheOrder(String parameter, String current, String wanted, boolean lowers) {
        assertThat(RollingUpdatePlanner.lowers(new PendingRestart(parameter, current, wanted))).isEqualTo(lowers);
    }

    @Test
    void nothingHappensWithoutAReadyPrimaryOrWithNothingPending() {
        assertThat(RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ofSeconds(1),
                at(replica(1), "old", BUFFERS), at(replica(2), "old", BUFFERS)))).isEmpty();
        assertThat(RollingUpdatePlanner.plan(observe(THREE, "demo-0", Duration.ZERO,
                at(primary(0), NOW, List.of()), at(replica(1), NOW, List.of()), at(replica(2), NOW, List.of()))))
                .isEmpty();
    }

    @Test
    void instancesBeyondTheWantedCountAreNotRestarted() {
        ClusterSpec two = spec("{instances: 2}");
        String version = SpecReader.version(two);
        List<Action> plan = RollingUpdatePlanner.plan(observe(two, "demo-0", Duration.ZERO,
                at(primary(0), version, List.of()), at(replica(1), version, List.of()), at(replica(2), version, BUFFERS)));

        assertThat(plan).isEmpty();
    }

    @Test
    void scaleDownWaitsUntilEveryInstanceHasLoadedTheNewSpec() {
        ClusterSpec two = spec("{instances: 2, replication: {mode: sync, syncStandbys: 1}}");
        String version = SpecReader.version(two);
        Observation stale = new Observation(two, List.of(at(primary(0), "old", List.of()), at(replica(1), version,
                List.of()), at(replica(2), version, List.of())), Optional.of("demo-0"));

        assertThat(ScalePlanner.plan(stale)).last().extracting(Action::reason).asString()
                .contains("scale down waits until every instance has loaded the new spec");
        Observation current = new Observation(two, List.of(at(primary(0), version, List.of()), at(replica(1), version,
                List.of()), at(replica(2), version, List.of())), Optional.of("demo-0"));
        assertThat(ScalePlanner.plan(current)).last().isInstanceOf(Action.DeletePod.class);
    }

    private static ObservedPod at(ObservedPod pod, String version, List<PendingRestart> pending) {
        return running(pod.ordinal(), pod.status().withConfig(version, pending));
    }

    private static List<String> steps(List<Action> plan) {
        return plan.stream().map(RollingUpdatePlannerTest::step).toList();
    }

    private static String step(Action a) {
        if (a instanceof Action.Reload r) {
            return "Reload " + r.pod();
        }
        if (a instanceof Action.Restart r) {
            return "Restart " + r.pod();
        }
        if (a instanceof Action.Wait w) {
            return "Wait " + w.reason();
        }
        return a.toString();
    }
}
