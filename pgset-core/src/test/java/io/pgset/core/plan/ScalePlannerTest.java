package io.pgset.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.control.PodState;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.PodManagementPolicy;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ScalePlannerTest {

    private static final ClusterSpec DEMO = SpecReader.defaults("demo");

    // --- rule 2: no primary running -------------------------------------------------------------

    @Test
    void newClusterCreatesOrdinalZeroAloneWithoutUpstream() {
        List<Action> plan = ScalePlanner.plan(cluster(3));

        assertThat(plan).hasSize(1);
        assertThat(plan.get(0)).isInstanceOfSatisfying(Action.CreatePod.class, create -> {
            assertThat(create.ordinal()).isZero();
            assertThat(create.upstream()).isEmpty();
            assertThat(create.newDatabase()).isTrue();
        });
    }

    @Test
    void newClusterWaitsForOrdinalZeroToFinishBootstrap() {
        List<Action> plan = ScalePlanner.plan(cluster(3, notReady(0, "running initdb")));

        assertThat(plan).singleElement().isInstanceOfSatisfying(Action.Wait.class, wait ->
                assertThat(wait.reason()).contains("demo-0").contains("running initdb"));
    }

    static Stream<Arguments> recordedPrimaries() {
        return Stream.of(
                Arguments.of("nothing running, recorded demo-0", "demo-0", new ObservedPod[] {}, 0),
                Arguments.of("nothing running, recorded demo-1", "demo-1", new ObservedPod[] {}, 1),
                Arguments.of("nothing running, recorded demo-2", "demo-2", new ObservedPod[] {}, 2),
                Arguments.of("demo-0 runs as a replica, recorded demo-1", "demo-1",
                        new ObservedPod[] {replica(0)}, 1),
                Arguments.of("demo-0 and demo-2 not ready, recorded demo-1", "demo-1",
                        new ObservedPod[] {notReady(0, "no upstream"), notReady(2, "no upstream")}, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedPrimaries")
    void clusterThatRanBeforeStartsItsRecordedPrimaryFirstWithoutUpstream(
            String description, String recorded, ObservedPod[] pods, int expectedOrdinal) {
        List<Action> plan = ScalePlanner.plan(clusterWithRecordedPrimary(3, recorded, pods));

        assertThat(plan).singleElement().isInstanceOfSatisfying(Action.CreatePod.class, create -> {
            assertThat(create.ordinal()).isEqualTo(expectedOrdinal);
            assertThat(create.upstream()).isEmpty();
            assertThat(create.newDatabase()).as("a cluster that ran before never gets a new database").isFalse();
        });
    }

    @Test
    void clusterThatRanBeforeWaitsForItsRecordedPrimaryToBecomeReady() {
        List<Action> plan = ScalePlanner.plan(clusterWithRecordedPrimary(3, "demo-1",
                notReady(1, "crash recovery")));

        assertThat(plan).singleElement().isInstanceOfSatisfying(Action.Wait.class, wait ->
                assertThat(wait.reason()).contains("demo-1").contains("crash recovery"));
    }

    // --- rules 3 and 4: scale up, recreate, scale down ------------------------------------------

    static Stream<Arguments> membershipChanges() {
        return Stream.of(
                Arguments.of("ready primary alone: next ordinal from the primary", 3,
                        pods(primary(0)), create(1, "demo-0")),
                Arguments.of("scale up continues with the lowest missing ordinal", 3,
                        pods(primary(0), replica(1)), create(2, "demo-0")),
                Arguments.of("missing middle ordinal is recreated", 3,
                        pods(primary(0), replica(2)), create(1, "demo-0")),
                Arguments.of("missing ordinal 0 is recreated from a primary elsewhere", 3,
                        pods(replica(1), primary(2)), create(0, "demo-2")),
                Arguments.of("scale down removes the single surplus ordinal", 2,
                        pods(primary(0), replica(1), replica(2)), delete("demo-2")),
                Arguments.of("scale down removes the highest surplus ordinal first", 1,
                        pods(primary(0), replica(1), replica(2), replica(3)), delete("demo-3")),
                Arguments.of("scale down skips a gap among the surplus", 1,
                        pods(primary(0), replica(2)), delete("demo-2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("membershipChanges")
    void changesOneInstanceAtATime(String description, int instances, List<ObservedPod> pods, Action expected) {
        List<Action> plan = ScalePlanner.plan(new Observation(DEMO.withInstances(instances), pods,
                Optional.of("demo-0")));

        assertThat(membership(plan)).singleElement()
                .usingRecursiveComparison().withStrictTypeChecking().ignoringFields("reason").isEqualTo(expected);
        assertThat(plan).filteredOn(a -> a instanceof Action.CreatePod || a instanceof Action.DeletePod)
                .hasSize(1);
    }

    static Stream<Arguments> waits() {
        return Stream.of(
                Arguments.of("nothing created while a lower ordinal is starting", 3,
                        pods(primary(0), notReady(1, "cloning")), "demo-1"),
                Arguments.of("nothing recreated above a lower ordinal that is not ready", 3,
                        pods(primary(0), notReady(1, "cloning"), replica(2)), "demo-1")
        );
    }

    @ParameterizedTest
    @EnumSource(PodManagementPolicy.class)
    void scaleDownSwitchesOverInsteadOfRemovingThePrimary(PodManagementPolicy policy) {
        List<Action> plan = ScalePlanner.plan(new Observation(DEMO.withPodManagementPolicy(policy).withInstances(2),
                pods(replica(0), replica(1), primary(2)), Optional.of("demo-2")));

        assertThat(membership(plan)).singleElement().isInstanceOfSatisfying(Action.Switchover.class, switchover -> {
            assertThat(switchover.to()).isEmpty();
            assertThat(switchover.reason()).contains("primary demo-2");
        });
    }

    /** Under both policies: scale-down is one at a time, highest first. */
    @ParameterizedTest
    @EnumSource(PodManagementPolicy.class)
    void scaleDownWaitsForTheInstancesThatStayButNotForTheOneThatGoes(PodManagementPolicy policy) {
        ClusterSpec spec = DEMO.withPodManagementPolicy(policy);
        List<Action> goingNotReady = ScalePlanner.plan(new Observation(spec.withInstances(2),
                pods(primary(0), replica(1), notReady(2, "not streaming from a primary")), Optional.of("demo-0")));
        assertThat(membership(goingNotReady)).singleElement().isInstanceOfSatisfying(Action.DeletePod.class,
                delete -> assertThat(delete.pod()).isEqualTo("demo-2"));

        List<Action> stayingNotReady = ScalePlanner.plan(new Observation(spec.withInstances(2),
                pods(primary(0), notReady(1, "starting"), replica(2)), Optional.of("demo-0")));
        assertThat(membership(stayingNotReady)).singleElement().isInstanceOfSatisfying(Action.Wait.class,
                wait -> assertThat(wait.reason()).contains("demo-1 is not ready yet"));

        // Surplus instances go highest first, whether or not the lower surplus one is ready.
        List<Action> lowerSurplusNotReady = ScalePlanner.plan(new Observation(spec.withInstances(1),
                pods(primary(0), notReady(1, "catching up"), replica(2)), Optional.of("demo-0")));
        assertThat(membership(lowerSurplusNotReady)).singleElement().isInstanceOfSatisfying(Action.DeletePod.class,
                delete -> assertThat(delete.pod()).isEqualTo("demo-2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waits")
    void waitsAndSaysWhy(String description, int instances, List<ObservedPod> pods, String reasonMentions) {
        List<Action> plan = ScalePlanner.plan(new Observation(DEMO.withInstances(instances), pods,
                Optional.of("demo-0")));

        assertThat(membership(plan)).singleElement().isInstanceOfSatisfying(Action.Wait.class, wait ->
                assertThat(wait.reason()).contains(reasonMentions));
    }

    @Test
    void scaleDownDeletesTheVolumeOnlyWhenTheSpecSaysNotToRetainIt() throws Exception {
        ClusterSpec discard = SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec: {instances: 1, storage: {retainOnScaleDown: false}}
                """);
        List<Action> plan = ScalePlanner.plan(new Observation(discard, pods(primary(0), replica(1)), Optional.of("demo-0")));
        assertThat(membership(plan)).singleElement().isInstanceOfSatisfying(Action.DeletePod.class, delete -> {
            assertThat(delete.pod()).isEqualTo("demo-1");
            assertThat(delete.deleteVolume()).isTrue();
        });
        List<Action> retained = ScalePlanner.plan(new Observation(DEMO.withInstances(1), pods(primary(0), replica(1)),
                Optional.of("demo-0")));
        assertThat(membership(retained)).singleElement().isInstanceOfSatisfying(Action.DeletePod.class,
                delete -> assertThat(delete.deleteVolume()).isFalse());
    }

    @Test
    void steadyStateWaitsWithEmptyReason() {
        List<Action> plan = ScalePlanner.plan(cluster(3, primary(0), replica(1), replica(2)));

        assertThat(membership(plan)).containsExactly(new Action.Wait(""));
    }

    // --- podManagementPolicy: Parallel ----------------------------------------------------------

    private static final ClusterSpec PARALLEL = DEMO.withPodManagementPolicy(PodManagementPolicy.PARALLEL);

    static Stream<Arguments> parallelCreations() {
        return Stream.of(
                Arguments.of("a new cluster's replicas together once the primary is ready", 3,
                        pods(primary(0)), List.of(create(1, "demo-0"), create(2, "demo-0"))),
                Arguments.of("missing ordinals whether or not a lower one is ready yet", 5,
                        pods(primary(0), notReady(1, "cloning"), replica(3)),
                        List.of(create(2, "demo-0"), create(4, "demo-0"))),
                Arguments.of("ordinal 0 with the others, from a primary elsewhere", 4,
                        pods(replica(1), primary(2)), List.of(create(0, "demo-2"), create(3, "demo-2"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parallelCreations")
    void parallelCreatesEveryMissingOrdinalInOnePassFromTheReadyPrimary(String description, int instances,
                                                                       List<ObservedPod> pods, List<Action> expected) {
        List<Action> plan = ScalePlanner.plan(new Observation(PARALLEL.withInstances(instances), pods,
                Optional.of("demo-0")));

        assertThat(membership(plan)).usingRecursiveFieldByFieldElementComparatorIgnoringFields("reason")
                .containsExactlyElementsOf(expected);
        assertThat(membership(plan)).allSatisfy(create -> assertThat(create.reason()).contains("Parallel"));
        // Each clone finds its slot: the slots come first in the same plan.
        assertThat(plan.get(0)).isInstanceOfSatisfying(Action.EnsureSlots.class, ensure ->
                assertThat(ensure.slots()).containsAll(expected.stream()
                        .map(a -> PARALLEL.slotName(((Action.CreatePod) a).ordinal())).toList()));
    }

    @Test
    void parallelCreatesOnlyAsManyClonesAsThePrimaryHasWalSendersFor() {
        ClusterSpec forty = PARALLEL.withInstances(40); // max_wal_senders 48: 24 clones of two each
        assertThat(membership(ScalePlanner.plan(new Observation(forty, pods(primary(0)), Optional.of("demo-0")))))
                .hasSize(24).allSatisfy(a -> assertThat(a).isInstanceOf(Action.CreatePod.class));

        List<ObservedPod> cloning = new java.util.ArrayList<>(List.of(primary(0)));
        IntStream.rangeClosed(1, 24).forEach(o -> cloning.add(notReady(o, "cloning")));
        assertThat(membership(ScalePlanner.plan(new Observation(forty, cloning, Optional.of("demo-0")))))
                .singleElement().isInstanceOfSatisfying(Action.Wait.class, wait ->
                        assertThat(wait.reason()).contains("15 missing instances wait for WAL senders", "48"));

        List<ObservedPod> streaming = new java.util.ArrayList<>(List.of(primary(0)));
        IntStream.rangeClosed(1, 24).forEach(o -> streaming.add(replica(o)));
        assertThat(membership(ScalePlanner.plan(new Observation(forty, streaming, Optional.of("demo-0")))))
                .extracting(a -> ((Action.CreatePod) a).ordinal()).containsExactlyElementsOf(
                        IntStream.rangeClosed(25, 36).boxed().toList());
    }

    @Test
    void parallelNewClusterStillCreatesOrdinalZeroAloneAndWaitsForItsBootstrap() {
        List<Action> empty = ScalePlanner.plan(new Observation(PARALLEL, List.of(), Optional.empty()));
        assertThat(empty).singleElement().isInstanceOfSatisfying(Action.CreatePod.class, create -> {
            assertThat(create.ordinal()).isZero();
            assertThat(create.newDatabase()).isTrue();
        });

        List<Action> bootstrapping = ScalePlanner.plan(new Observation(PARALLEL,
                pods(notReady(0, "running initdb")), Optional.empty()));
        assertThat(bootstrapping).singleElement().isInstanceOf(Action.Wait.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedPrimaries")
    void parallelClusterThatRanBeforeStillStartsItsRecordedPrimaryAlone(
            String description, String recorded, ObservedPod[] pods, int expectedOrdinal) {
        List<Action> plan = ScalePlanner.plan(new Observation(PARALLEL, List.of(pods), Optional.of(recorded)));

        assertThat(plan).singleElement().isInstanceOfSatisfying(Action.CreatePod.class, create -> {
            assertThat(create.ordinal()).isEqualTo(expectedOrdinal);
            assertThat(create.upstream()).isEmpty();
            assertThat(create.newDatabase()).isFalse();
        });
    }

    @Test
    void parallelWaitsLikeOrderedOnceNothingIsMissing() {
        Observation observed = new Observation(PARALLEL, pods(primary(0), notReady(1, "catching up"), replica(2)),
                Optional.of("demo-0"));
        assertThat(membership(ScalePlanner.plan(observed))).singleElement().isInstanceOfSatisfying(Action.Wait.class,
                wait -> assertThat(wait.reason()).contains("demo-1 is not ready yet: catching up"));
        assertThat(membership(ScalePlanner.plan(new Observation(PARALLEL, pods(primary(0), replica(1), replica(2)),
                Optional.of("demo-0"))))).containsExactly(new Action.Wait(""));
    }

    @Test
    void orderedReadyStaysTheDefaultAndCreatesOneAtATime() {
        assertThat(DEMO.podManagementPolicy()).isEqualTo(PodManagementPolicy.ORDERED_READY);
        List<Action> plan = ScalePlanner.plan(new Observation(DEMO.withInstances(5), pods(primary(0)),
                Optional.of("demo-0")));
        assertThat(membership(plan)).singleElement().usingRecursiveComparison().ignoringFields("reason")
                .isEqualTo(create(1, "demo-0"));
    }

    // --- rule 1: slots --------------------------------------------------------------------------

    static Stream<Arguments> slots() {
        return Stream.of(
                Arguments.of(3, pods(primary(0)), "demo-0", List.of("pgset_demo_1", "pgset_demo_2")),
                Arguments.of(3, pods(replica(0), primary(1), replica(2)), "demo-1",
                        List.of("pgset_demo_0", "pgset_demo_2")),
                Arguments.of(1, pods(primary(0), replica(1), replica(2)), "demo-0", List.of()),
                Arguments.of(2, pods(replica(0), replica(1), primary(2)), "demo-2",
                        List.of("pgset_demo_0", "pgset_demo_1")),
                Arguments.of(5, pods(primary(0), replica(1)), "demo-0",
                        List.of("pgset_demo_1", "pgset_demo_2", "pgset_demo_3", "pgset_demo_4")));
    }

    @ParameterizedTest(name = "instances {0}, primary {2} -> {3}")
    @MethodSource("slots")
    void readyPrimaryKeepsOneSlotPerDesiredReplicaOrdinal(int instances, List<ObservedPod> pods, String primary,
                                                         List<String> expected) {
        List<Action> plan = ScalePlanner.plan(new Observation(DEMO.withInstances(instances), pods,
                Optional.of(primary)));

        assertThat(plan).filteredOn(Action.EnsureSlots.class::isInstance).singleElement()
                .isInstanceOfSatisfying(Action.EnsureSlots.class, ensure -> {
                    assertThat(ensure.primary()).isEqualTo(primary);
                    assertThat(ensure.slots()).containsExactlyElementsOf(expected);
                });
    }

    @Test
    void slotsComeBeforeMembershipChanges() {
        List<Action> plan = ScalePlanner.plan(cluster(3, primary(0)));

        assertThat(plan).hasSize(2);
        assertThat(plan.get(0)).isInstanceOf(Action.EnsureSlots.class);
        assertThat(plan.get(1)).isInstanceOf(Action.CreatePod.class);
    }

    static Stream<Arguments> withoutReadyPrimary() {
        return Stream.of(
                Arguments.of("empty cluster", cluster(3)),
                Arguments.of("bootstrapping", cluster(3, notReady(0, "running initdb"))),
                Arguments.of("primary not ready", clusterWithRecordedPrimary(3, "demo-0",
                        running(0, new InstanceStatus("demo-0", Role.PRIMARY, true, false, 42, 1, "0/3000000",
                                null, false, 0, 0, "not accepting connections", "")), replica(1))),
                Arguments.of("primary pod not running", clusterWithRecordedPrimary(3, "demo-0",
                        new ObservedPod(new PodState("demo-0", 0, false, 0, "127.0.0.1", 5432, 8000),
                                primaryReady("demo-0")), replica(1))),
                Arguments.of("replicas only", clusterWithRecordedPrimary(3, "demo-0", replica(1), replica(2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withoutReadyPrimary")
    void noSlotsWithoutReadyPrimary(String description, Observation observed) {
        assertThat(ScalePlanner.plan(observed)).noneMatch(Action.EnsureSlots.class::isInstance);
    }

    // --- helpers --------------------------------------------------------------------------------

    static InstanceStatus primaryReady(String pod) {
        return new InstanceStatus(pod, Role.PRIMARY, true, true, 42, 1, "0/3000100", null, false, 0, 0, "", "");
    }

    static InstanceStatus replicaStreaming(String pod) {
        return new InstanceStatus(pod, Role.REPLICA, true, true, 43, 1, "0/3000000", "0/3000100", true, 0, 0, "", "127.0.0.1:5432");
    }

    static InstanceStatus notReady(String pod, String message) {
        return new InstanceStatus(pod, Role.UNKNOWN, false, false, 0, 0, null, null, false, 0, 0, message, "");
    }

    static ObservedPod running(int ordinal, InstanceStatus status) {
        return new ObservedPod(new PodState("demo-" + ordinal, ordinal, true, 100 + ordinal, "127.0.0.1",
                5432 + ordinal, 8000 + ordinal), status);
    }

    static ObservedPod primary(int ordinal) {
        return running(ordinal, primaryReady("demo-" + ordinal));
    }

    static ObservedPod replica(int ordinal) {
        return running(ordinal, replicaStreaming("demo-" + ordinal));
    }

    static ObservedPod notReady(int ordinal, String message) {
        return running(ordinal, notReady("demo-" + ordinal, message));
    }

    static List<ObservedPod> pods(ObservedPod... pods) {
        return Arrays.asList(pods);
    }

    static Observation cluster(int instances, ObservedPod... pods) {
        return new Observation(DEMO.withInstances(instances), List.of(pods), Optional.empty());
    }

    static Observation clusterWithRecordedPrimary(int instances, String recorded, ObservedPod... pods) {
        return new Observation(DEMO.withInstances(instances), List.of(pods), Optional.of(recorded));
    }

    static Action create(int ordinal, String upstream) {
        return new Action.CreatePod(ordinal, Optional.of(upstream), false, "");
    }

    static Action delete(String pod) {
        return new Action.DeletePod(pod, false, "");
    }

    /** The plan without its slot bookkeeping: what it does to the set of instances. */
    static List<Action> membership(List<Action> plan) {
        return plan.stream().filter(a -> !(a instanceof Action.EnsureSlots)).toList();
    }
}
