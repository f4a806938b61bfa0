package io.pgset.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.control.PodState;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailoverPlannerTest {

    /** Three instances, async (chosen: the default for three is sync), failover.delaySeconds 0. */
    private static final ClusterSpec DEMO = spec("{instances: 3, replication: {mode: async}}");

    private static final Duration LONG_AGO = Duration.ofHours(1);

    // --- rule 1: healthy, or never started ------------------------------------------------------

    static Stream<Arguments> healthy() {
        return Stream.of(
                Arguments.of("recorded primary ready, down for zero",
                        observe(DEMO, "demo-0", Duration.ZERO, primary(0), replica(1), replica(2))),
                Arguments.of("recorded primary ready, a stale primaryDownFor is ignored",
                        observe(DEMO, "demo-0", LONG_AGO, primary(0), replica(1), replica(2))),
                Arguments.of("recorded primary ready on ordinal 2",
                        observe(DEMO, "demo-2", LONG_AGO, replica(0, 2, "0/3000000", "127.0.0.1:5434"),
                                replica(1, 2, "0/3000000", "127.0.0.1:5434"), primary(2, 2))),
                Arguments.of("recorded primary ready with every replica unreachable",
                        observe(DEMO, "demo-0", LONG_AGO, primary(0), unreachable(1), unreachable(2))),
                Arguments.of("no recorded primary, nothing running",
                        new Observation(DEMO, List.of(), Optional.empty(), LONG_AGO)),
                Arguments.of("no recorded primary, replicas only",
                        new Observation(DEMO, List.of(replica(1), replica(2)), Optional.empty(), LONG_AGO)),
                Arguments.of("no recorded primary, bootstrapping",
                        new Observation(DEMO, List.of(unreachable(0)), Optional.empty(), LONG_AGO)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("healthy")
    void noFailoverWhilePrimaryIsHealthyOrNeverRecorded(String description, Observation observed) {
        assertThat(FailoverPlanner.plan(observed)).isEmpty();
    }

    // --- rules 3, 5 and 7: candidate, fence before promote --------------------------------------

    static Stream<Arguments> candidates() {
        return Stream.of(
                Arguments.of("higher received LSN wins", 3,
                        List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200")), "demo-2"),
                Arguments.of("higher received LSN wins on a lower ordinal too", 3,
                        List.of(replica(1, 1, "0/3000200"), replica(2, 1, "0/3000100")), "demo-1"),
                Arguments.of("LSNs compare as positions, not as text", 3,
                        List.of(replica(1, 1, "0/9000000"), replica(2, 1, "0/10000000")), "demo-2"),
                Arguments.of("the high half of an LSN counts", 3,
                        List.of(replica(1, 1, "0/FFFFFFFF"), replica(2, 1, "1/0")), "demo-2"),
                Arguments.of("higher timeline beats higher LSN", 3,
                        List.of(replica(1, 2, "0/3000100"), replica(2, 1, "0/5000000")), "demo-1"),
                Arguments.of("higher timeline beats higher LSN on a higher ordinal", 3,
                        List.of(replica(1, 1, "0/5000000"), replica(2, 2, "0/3000100")), "demo-2"),
                Arguments.of("tie goes to the lowest ordinal", 3,
                        List.of(replica(2, 1, "0/3000100"), replica(1, 1, "0/3000100")), "demo-1"),
                Arguments.of("tie among three goes to the lowest ordinal", 4,
                        List.of(replica(1, 1, "0/3000000"), replica(2, 1, "0/3000100"),
                                replica(3, 1, "0/3000100")), "demo-2"),
                Arguments.of("unknown received LSN falls back to the replayed LSN (ahead)", 3,
                        List.of(replicaReplayedOnly(1, "0/4000000"), replica(2, 1, "0/3000100")), "demo-1"),
                Arguments.of("unknown received LSN falls back to the replayed LSN (behind)", 3,
                        List.of(replicaReplayedOnly(1, "0/3000000"), replica(2, 1, "0/3000100")), "demo-2"),
                Arguments.of("a replica that never started is no candidate", 3,
                        List.of(notStarted(1, "0/9000000"), replica(2, 1, "0/3000100")), "demo-2"),
                Arguments.of("an unreachable instance is no candidate", 3,
                        List.of(unreachable(1), replica(2, 1, "0/3000100")), "demo-2"),
                Arguments.of("an instance of unknown role is no candidate", 3,
                        List.of(unknownRole(1, "0/9000000"), replica(2, 1, "0/3000100")), "demo-2"),
                Arguments.of("a replica with no LSN at all is no candidate", 3,
                        List.of(replica(1, 1, null), replica(2, 1, "0/3000100")), "demo-2"),
                Arguments.of("a surplus ordinal is no candidate", 3,
                        List.of(replica(1, 1, "0/3000100"), replica(3, 5, "0/9000000")), "demo-1"),
                Arguments.of("only ordinals below spec.instances count", 2,
                        List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/9000000")), "demo-1"));
    }

    @Test
    void theOtherReplicasFollowTheNewPrimaryInTheSamePlanRightAfterThePromotion() {
        Observation observed = new Observation(DEMO.withInstances(4),
                List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200"), replica(3, 1, "0/3000050")),
                Optional.of("demo-0"), Duration.ZERO);

        assertThat(steps(FailoverPlanner.plan(observed))).containsExactly("Fence demo-0", "Promote demo-2",
                "Follow demo-1 -> demo-2", "Follow demo-3 -> demo-2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("candidates")
    void failoverFencesThenPromotesMostAdvancedReplica(String description, int instances, List<ObservedPod> replicas,
                                                       String expected) {
        Observation observed = new Observation(DEMO.withInstances(instances), replicas, Optional.of("demo-0"),
                Duration.ZERO);

        List<Action> plan = FailoverPlanner.plan(observed);

        assertThat(failoverSteps(plan)).containsExactly("Fence demo-0", "Promote " + expected);
    }

    @Test
    void failoverReasonsSayWhyAndWhoWasCompared() {
        List<Action> plan = FailoverPlanner.plan(observe(DEMO, "demo-0", Duration.ZERO,
                replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200")));

        assertThat(plan).hasSize(3);
        assertThat(plan.get(0).reason()).contains("demo-0").contains("gone");
        assertThat(plan.get(2).reason()).isEqualTo("demo-1 follows the new primary demo-2");
        assertThat(plan.get(1).reason()).contains("demo-2").contains("0/3000200").contains("demo-1")
                .contains("0/3000100");
    }

    @Test
    void lostPrimaryIsNeverItsOwnCandidate() {
        // The recorded primary still runs and reports itself a replica far ahead of the others (it
        // demoted itself when isolated): it is fenced, not promoted.
        List<Action> plan = FailoverPlanner.plan(observe(DEMO, "demo-0", LONG_AGO,
                replica(0, 1, "0/9000000", ""), replica(1, 1, "0/3000100"), replica(2, 1, "0/3000000")));

        assertThat(failoverSteps(plan)).containsExactly("Fence demo-0", "Promote demo-1");
    }

    @Test
    void failoverFromAPrimaryOnAHigherOrdinal() {
        List<Action> plan = FailoverPlanner.plan(observe(DEMO, "demo-2", Duration.ZERO,
                replica(0, 2, "0/5000000", "127.0.0.1:5434"), replica(1, 2, "0/5000100", "127.0.0.1:5434")));

        assertThat(failoverSteps(plan)).containsExactly("Fence demo-2", "Promote demo-1");
    }

    // --- rule 3: when the primary counts as lost ------------------------------------------------

    static Stream<Arguments> timing() {
        return Stream.of(
                // pod gone: failover.delaySeconds alone
                Arguments.of("gone, delay 0, at once", 0, false, Duration.ZERO, true),
                Arguments.of("gone, delay 10, at 0 s", 10, false, Duration.ZERO, false),
                Arguments.of("gone, delay 10, at 9.999 s", 10, false, Duration.ofMillis(9_999), false),
                Arguments.of("gone, delay 10, at 10 s", 10, false, Duration.ofSeconds(10), true),
                Arguments.of("gone, delay 10, at 60 s", 10, false, Duration.ofSeconds(60), true),
                // pod running but not a ready primary: delaySeconds + DETECTION (5 s)
                Arguments.of("not ready, delay 0, at 0 s", 0, true, Duration.ZERO, false),
                Arguments.of("not ready, delay 0, at 4.9 s", 0, true, Duration.ofMillis(4_900), false),
                Arguments.of("not ready, delay 0, at 5 s", 0, true, Duration.ofSeconds(5), true),
                Arguments.of("not ready, delay 0, at 6 s", 0, true, Duration.ofSeconds(6), true),
                Arguments.of("not ready, delay 10, at 10 s", 10, true, Duration.ofSeconds(10), false),
                Arguments.of("not ready, delay 10, at 14.9 s", 10, true, Duration.ofMillis(14_900), false),
                Arguments.of("not ready, delay 10, at 15 s", 10, true, Duration.ofSeconds(15), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timing")
    void primaryCountsAsLostAfterDelayPlusDetectionWhenItsPodStillRuns(String description, int delaySeconds,
                                                                         boolean podRuns, Duration downFor,
                                                                         boolean failsOver) {
        ClusterSpec spec = spec("{instances: 3, failover: {delaySeconds: " + delaySeconds + "}}");
        List<ObservedPod> pods = podRuns
                ? List.of(unreadyPrimary(0, "0/9000000"), replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200"))
                : List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200"));

        List<Action> plan = FailoverPlanner.plan(new Observation(spec, pods, Optional.of("demo-0"), downFor));

        if (failsOver) {
            assertThat(failoverSteps(plan)).containsExactly("Fence demo-0", "Promote demo-2");
        } else {
            assertThat(plan).singleElement().isInstanceOfSatisfying(Action.Wait.class, wait ->
                    assertThat(wait.reason()).contains("demo-0").contains(podRuns ? "not ready" : "gone"));
        }
    }

    @Test
    void waitSaysWhenTheFailoverWillHappen() {
        ClusterSpec spec = spec("{instances: 3, failover: {delaySeconds: 10}}");

        List<Action> gone = FailoverPlanner.plan(new Observation(spec, List.of(replica(1), replica(2)),
                Optional.of("demo-0"), Duration.ofSeconds(3)));
        List<Action> notReady = FailoverPlanner.plan(new Observation(spec,
                List.of(unreadyPrimary(0, "0/3000100"), replica(1), replica(2)), Optional.of("demo-0"),
                Duration.ofSeconds(3)));

        assertThat(gone).singleElement().extracting(Action::reason).asString().contains("10 s");
        assertThat(notReady).singleElement().extracting(Action::reason).asString().contains("15 s");
    }

    /**
     * Kubernetes: a deleted pod may run on where the API server cannot reach it, until its instance
     * stops itself (12 s). No failover is sooner, whether the pod is gone from the API or not; a
     * longer detection or delay still counts on top as before.
     */
    @ParameterizedTest(name = "fence settles in 12 s: {0}")
    @MethodSource("settling")
    void noPromotionBeforeALostPrimaryHasSurelyStoppedItself(String description, boolean podRuns, int delaySeconds,
                                                            Duration downFor, boolean failsOver) {
        ClusterSpec spec = spec("{instances: 3, failover: {delaySeconds: " + delaySeconds + "}}");
        List<ObservedPod> pods = podRuns
                ? List.of(unreadyPrimary(0, "0/9000000"), replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200"))
                : List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200"));

        List<Action> plan = FailoverPlanner.plan(new Observation(spec, pods, Optional.of("demo-0"), downFor,
                Duration.ofSeconds(12)));

        if (failsOver) {
            assertThat(failoverSteps(plan)).containsExactly("Fence demo-0", "Promote demo-2");
        } else {
            assertThat(plan).singleElement().isInstanceOfSatisfying(Action.Wait.class, wait ->
                    assertThat(wait.reason()).contains("failing over after " + (12 + delaySeconds) + " s"));
        }
    }

    static Stream<Arguments> settling() {
        return Stream.of(
                Arguments.of("gone, at 0 s", false, 0, Duration.ZERO, false),
                Arguments.of("gone, at 11.9 s", false, 0, Duration.ofMillis(11_900), false),
                Arguments.of("gone, at 12 s", false, 0, Duration.ofSeconds(12), true),
                Arguments.of("not ready, at 5 s (past detection)", true, 0, Duration.ofSeconds(5), false),
                Arguments.of("not ready, at 12 s", true, 0, Duration.ofSeconds(12), true),
                Arguments.of("gone, delay 10, at 21 s", false, 10, Duration.ofSeconds(21), false),
                Arguments.of("gone, delay 10, at 22 s", false, 10, Duration.ofSeconds(22), true));
    }

    // --- rule 4: nobody to promote --------------------------------------------------------------

    static Stream<Arguments> nobodyToPromote() {
        return Stream.of(
                Arguments.of("nothing running", List.of()),
                Arguments.of("only the unready primary", List.of(unreadyPrimary(0, "0/3000100"))),
                Arguments.of("replicas unreachable", List.of(unreachable(1), unreachable(2))),
                Arguments.of("replicas not started", List.of(notStarted(1, "0/3000100"), notStarted(2, "0/3000100"))),
                Arguments.of("unknown roles", List.of(unknownRole(1, "0/3000100"))),
                Arguments.of("only a surplus replica", List.of(replica(3, 1, "0/3000100"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nobodyToPromote")
    void noFailoverWithoutAReplicaToPromote(String description, List<ObservedPod> pods) {
        assertThat(FailoverPlanner.plan(new Observation(DEMO, pods, Optional.of("demo-0"), LONG_AGO))).isEmpty();
    }

    // --- rule 6: synchronous mode ---------------------------------------------------------------

    static Stream<Arguments> syncProofs() {
        return Stream.of(
                Arguments.of("ANY 1 of 2 with 2 answering", 3, 1,
                        List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/3000200")), "demo-2"),
                Arguments.of("ANY 1 of 2 with 2 answering, lower ordinal ahead", 3, 1,
                        List.of(replica(1, 1, "0/3000300"), replica(2, 1, "0/3000200")), "demo-1"),
                Arguments.of("ANY 2 of 2 with 1 answering", 3, 2,
                        List.of(replica(2, 1, "0/3000200")), "demo-2"),
                Arguments.of("ANY 2 of 2 with 1 answering and 1 unreachable", 3, 2,
                        List.of(unreachable(1), replica(2, 1, "0/3000200")), "demo-2"),
                Arguments.of("ANY 1 of 4 with 4 answering", 5, 1,
                        List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/3000400"), replica(3, 1, "0/3000300"),
                                replica(4, 1, "0/3000200")), "demo-2"),
                Arguments.of("ANY 2 of 4 with 3 answering", 5, 2,
                        List.of(replica(1, 1, "0/3000100"), replica(3, 1, "0/3000300"), replica(4, 1, "0/3000200")),
                        "demo-3"),
                Arguments.of("ANY 4 of 4 with 1 answering", 5, 4,
                        List.of(replica(4, 1, "0/3000200")), "demo-4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syncProofs")
    void syncFailoverPromotesMostAdvancedWhenEnoughStandbysAnswer(String description, int instances, int syncStandbys,
                                                                 List<ObservedPod> pods, String expected) {
        ClusterSpec spec = syncSpec(instances, syncStandbys);

        List<Action> plan = FailoverPlanner.plan(new Observation(spec, pods, Optional.of("demo-0"), Duration.ZERO));

        assertThat(failoverSteps(plan)).containsExactly("Fence demo-0", "Promote " + expected);
    }

    static Stream<Arguments> syncWaits() {
        return Stream.of(
                Arguments.of("ANY 1 of 2 with 1 answering", 3, 1,
                        List.of(replica(1, 1, "0/3000100")), 1, 2, 2),
                Arguments.of("ANY 1 of 2 with 1 answering, the other unreachable", 3, 1,
                        List.of(replica(1, 1, "0/3000100"), unreachable(2)), 1, 2, 2),
                Arguments.of("ANY 1 of 2: a surplus replica proves nothing", 3, 1,
                        List.of(replica(1, 1, "0/3000100"), replica(3, 1, "0/9000000")), 1, 2, 2),
                Arguments.of("ANY 1 of 4 with 3 answering", 5, 1,
                        List.of(replica(1, 1, "0/3000100"), replica(2, 1, "0/3000100"), replica(3, 1, "0/3000100")),
                        3, 4, 4),
                Arguments.of("ANY 2 of 4 with 2 answering", 5, 2,
                        List.of(replica(1, 1, "0/3000100"), replica(4, 1, "0/3000100")), 2, 4, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syncWaits")
    void syncFailoverWaitsAndSaysHowManyStandbysAnswerAndAreNeeded(String description, int instances,
                                                                   int syncStandbys, List<ObservedPod> pods,
                                                                   int answering, int standbys, int needed) {
        ClusterSpec spec = syncSpec(instances, syncStandbys);

        List<Action> plan = FailoverPlanner.plan(new Observation(spec, pods, Optional.of("demo-0"), LONG_AGO));

        assertThat(plan).singleElement().isInstanceOfSatisfying(Action.Wait.class, wait ->
                assertThat(wait.reason()).contains("demo-0")
                        .contains(answering + " of " + standbys + " standbys answer")
                        .contains(needed + " are needed"));
    }

    @Test
    void asyncFailoverNeedsNoProof() {
        List<Action> plan = FailoverPlanner.plan(new Observation(DEMO.withInstances(5), List.of(replica(3)),
                Optional.of("demo-0"), Duration.ZERO));

        assertThat(failoverSteps(plan)).containsExactly("Fence demo-0", "Promote demo-3");
    }

    // --- rule 2: two writable primaries ---------------------------------------------------------

    static Stream<Arguments> splitBrains() {
        return Stream.of(
                Arguments.of("older timeline on the recorded one", "demo-0",
                        List.of(primary(0, 1), primary(1, 2), replica(2)), List.of("Fence demo-0")),
                Arguments.of("older timeline on the other one", "demo-0",
                        List.of(primary(0, 2), primary(1, 1), replica(2)), List.of("Fence demo-1")),
                Arguments.of("older timeline on a higher ordinal", "demo-2",
                        List.of(primary(0, 3), replica(1), primary(2, 2)), List.of("Fence demo-2")),
                Arguments.of("same timeline: the recorded one stays (recorded demo-0)", "demo-0",
                        List.of(primary(0, 1), primary(1, 1)), List.of("Fence demo-1")),
                Arguments.of("same timeline: the recorded one stays (recorded demo-1)", "demo-1",
                        List.of(primary(0, 1), primary(1, 1)), List.of("Fence demo-0")),
                Arguments.of("three primaries: all but the newest timeline", "demo-0",
                        List.of(primary(0, 1), primary(1, 3), primary(2, 2)), List.of("Fence demo-0", "Fence demo-2")),
                Arguments.of("no recorded primary: timeline decides", null,
                        List.of(primary(0, 1), primary(1, 2)), List.of("Fence demo-0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("splitBrains")
    void twoReadyPrimariesFenceAllButTheNewestTimeline(String description, String recorded, List<ObservedPod> pods,
                                                       List<String> expected) {
        List<Action> plan = FailoverPlanner.plan(new Observation(DEMO, pods, Optional.ofNullable(recorded),
                Duration.ZERO));

        assertThat(steps(plan)).containsExactlyElementsOf(expected);
        assertThat(plan).allSatisfy(fence -> assertThat(fence.reason()).contains("two writable primaries"));
    }

    @Test
    void anUnreadySecondPrimaryIsNoSplitBrain() {
        assertThat(FailoverPlanner.plan(observe(DEMO, "demo-1", Duration.ZERO,
                unreadyPrimary(0, "0/3000000"), primary(1, 2), replica(2)))).isEmpty();
    }

    // --- follows --------------------------------------------------------------------------------

    static Stream<Arguments> follows() {
        return Stream.of(
                Arguments.of("every replica already follows", List.of(primary(0), replica(1), replica(2)), List.of()),
                Arguments.of("a replica streams from the old primary",
                        List.of(replica(0, 2, "0/3000100", "127.0.0.1:5432"), primary(1, 2),
                                replica(2, 2, "0/3000100", "127.0.0.1:5433")),
                        List.of("Follow demo-0 -> demo-1")),
                Arguments.of("every replica streams from elsewhere",
                        List.of(replica(0, 2, "0/3000100", "127.0.0.1:5433"), replica(1, 2, "0/3000100", ""),
                                primary(2, 2)),
                        List.of("Follow demo-0 -> demo-2", "Follow demo-1 -> demo-2")),
                Arguments.of("the same port on another host is not the primary",
                        List.of(primary(0), replica(1, 1, "0/3000100", "10.0.0.7:5432")),
                        List.of("Follow demo-1 -> demo-0")),
                Arguments.of("a surplus replica follows too",
                        List.of(primary(0), replica(1), replica(3, 1, "0/3000100", "127.0.0.1:5433")),
                        List.of("Follow demo-3 -> demo-0")),
                Arguments.of("an unreachable instance is not told",
                        List.of(primary(0), unreachable(1), replica(2)), List.of()),
                Arguments.of("a replica that never started is not told",
                        List.of(primary(0), notStarted(1, "0/3000100"), replica(2)), List.of()),
                Arguments.of("no ready primary: nobody to follow",
                        List.of(unreadyPrimary(0, "0/3000100"), replica(1, 1, "0/3000100", "127.0.0.1:5433"),
                                replica(2, 1, "0/3000100", "")),
                        List.of()),
                Arguments.of("replicas only: nobody to follow",
                        List.of(replica(1, 1, "0/3000100", "127.0.0.1:5433"), replica(2, 1, "0/3000100", "")),
                        List.of()),
                Arguments.of("the primary itself is never told to follow",
                        List.of(primaryWithUpstream(0, "127.0.0.1:5433"), replica(1)), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("follows")
    void replicasStreamingFromElsewhereFollowTheReadyPrimary(String description, List<ObservedPod> pods,
                                                             List<String> expected) {
        List<Action> actions = FailoverPlanner.follows(new Observation(DEMO, pods, Optional.of("demo-0")));

        assertThat(steps(actions)).containsExactlyElementsOf(expected);
    }

    @Test
    void followReasonNamesTheWrongUpstream() {
        List<Action> actions = FailoverPlanner.follows(new Observation(DEMO,
                List.of(primary(0), replica(1, 1, "0/3000100", "127.0.0.1:5434")), Optional.of("demo-0")));

        assertThat(actions).singleElement().extracting(Action::reason).asString()
                .contains("demo-1").contains("127.0.0.1:5434").contains("demo-0");
    }

    // --- helpers --------------------------------------------------------------------------------

    static ClusterSpec spec(String specBody) {
        return SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec: %s
                """.formatted(specBody));
    }

    static ClusterSpec syncSpec(int instances, int syncStandbys) {
        return spec("{instances: " + instances + ", replication: {mode: sync, syncStandbys: " + syncStandbys + "}}");
    }

    static ObservedPod running(int ordinal, InstanceStatus status) {
        return new ObservedPod(new PodState("demo-" + ordinal, ordinal, true, 100 + ordinal, "127.0.0.1",
                5432 + ordinal, 8000 + ordinal), status);
    }

    /** A ready primary on this timeline, listening on 127.0.0.1:(5432 + ordinal). */
    static ObservedPod primary(int ordinal, long timeline) {
        return running(ordinal, new InstanceStatus("demo-" + ordinal, Role.PRIMARY, true, true, 42, timeline,
                "0/3000100", null, false, 0, 0, "", ""));
    }

    static ObservedPod primary(int ordinal) {
        return primary(ordinal, 1);
    }

    static ObservedPod primaryWithUpstream(int ordinal, String upstream) {
        return running(ordinal, new InstanceStatus("demo-" + ordinal, Role.PRIMARY, true, true, 42, 1,
                "0/3000100", null, false, 0, 0, "", upstream));
    }

    /** A postgres that is (or was) primary and runs, but is not ready: crash recovery, say. */
    static ObservedPod unreadyPrimary(int ordinal, String lsn) {
        return running(ordinal, new InstanceStatus("demo-" + ordinal, Role.PRIMARY, true, false, 42, 1, lsn, null,
                false, 0, 0, "crash recovery", ""));
    }

    /** A streaming replica; replayed LSN 0/3000000. */
    static ObservedPod replica(int ordinal, long timeline, String receivedLsn, String upstream) {
        return running(ordinal, new InstanceStatus("demo-" + ordinal, Role.REPLICA, true, true, 43, timeline,
                receivedLsn == null ? null : "0/3000000", receivedLsn, true, 0, 0, "", upstream));
    }

    static ObservedPod replica(int ordinal, long timeline, String receivedLsn) {
        return replica(ordinal, timeline, receivedLsn, "127.0.0.1:5432");
    }

    /** A replica of demo-0 at 0/3000100. */
    static ObservedPod replica(int ordinal) {
        return replica(ordinal, 1, "0/3000100");
    }

    /** A replica that has replayed up to {@code lsn} but reports no received position. */
    static ObservedPod replicaReplayedOnly(int ordinal, String lsn) {
        return running(ordinal, new InstanceStatus("demo-" + ordinal, Role.REPLICA, true, false, 43, 1, lsn, null,
                false, 0, 0, "not streaming", "127.0.0.1:5432"));
    }

    /** Reports a replica's positions but has not finished starting (cloning, say). */
    static ObservedPod notStarted(int ordinal, String receivedLsn) {
        return running(ordinal, new InstanceStatus("demo-" + ordinal, Role.REPLICA, false, false, 43, 1,
                "0/3000000", receivedLsn, false, 0, 0, "cloning", "127.0.0.1:5432"));
    }

    /** Started, with positions, but of unknown role. */
    static ObservedPod unknownRole(int ordinal, String lsn) {
        return running(ordinal, new InstanceStatus("demo-" + ordinal, Role.UNKNOWN, true, false, 43, 1, lsn, lsn,
                false, 0, 0, "cannot tell", "127.0.0.1:5432"));
    }

    static ObservedPod unreachable(int ordinal) {
        return running(ordinal, InstanceStatus.unreachable("demo-" + ordinal, "connection refused"));
    }

    static Observation observe(ClusterSpec spec, String recorded, Duration downFor, ObservedPod... pods) {
        return new Observation(spec, List.of(pods), Optional.of(recorded), downFor);
    }

    /** The fencing and promotion steps of a plan, without the follows that come after them. */
    static List<String> failoverSteps(List<Action> plan) {
        return plan.stream().filter(a -> !(a instanceof Action.Follow)).map(FailoverPlannerTest::step).toList();
    }

    /** A plan as short words, so that order and kind are asserted together. */
    static List<String> steps(List<Action> plan) {
        return plan.stream().map(FailoverPlannerTest::step).toList();
    }

    static String step(Action action) {
        if (action instanceof Action.Fence fence) {
            return "Fence " + fence.pod();
        }
        if (action instanceof Action.Promote promote) {
            return "Promote " + promote.pod();
        }
        if (action instanceof Action.Follow follow) {
            return "Follow " + follow.pod() + " -> " + follow.primary();
        }
        if (action instanceof Action.Wait wait) {
            return "Wait " + wait.reason();
        }
        return action.toString();
    }
}
