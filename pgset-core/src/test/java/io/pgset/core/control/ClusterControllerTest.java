package io.pgset.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PodManagementPolicy;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterControllerTest {

    private static final ClusterSpec DEMO = SpecReader.defaults("demo");

    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeClient client = new FakeClient();
    /** What was told, as its log line names it ({@code cluster=demo pod=demo-0 ...}). */
    private final List<String> events = new ArrayList<>();
    private final List<Event> told = new ArrayList<>();
    private final EventSink sink = e -> {
        told.add(e);
        events.add(e.describe());
    };
    private final ClusterController controller = new ClusterController(runtime, client, sink);

    @Test
    void reconcileOnEmptyClusterCreatesFirstInstanceAndSaysSo() {
        ClusterStatus status = controller.reconcile(DEMO);

        assertThat(runtime.calls).containsExactly("createPod 0 new database");
        assertThat(events).singleElement().asString().contains("cluster=demo").contains("create demo-0");
        assertThat(told).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(Event.Reason.Create);
            assertThat(e.severity()).isEqualTo(Event.Severity.NORMAL);
            assertThat(e.cluster()).isEqualTo("demo");
            assertThat(e.pod()).contains("demo-0");
        });
        assertThat(status.phase()).isEqualTo(Phase.PROGRESSING);
    }

    @Test
    void aFullVolumeAndKeptDataAreToldOnceWhileTheyLast() {
        runtime.start(0);
        runtime.start(1);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", replicaStreaming("demo-1").withStorage(
                new InstanceStatus.Storage(1 << 20, true, List.of("pgdata.broken-20261129T101500Z"))));
        ClusterSpec two = DEMO.withInstances(2);

        controller.reconcile(two);
        controller.reconcile(two);

        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.VolumeFull).singleElement().satisfies(e -> {
            assertThat(e.pod()).contains("demo-1");
            assertThat(e.severity()).isEqualTo(Event.Severity.WARNING);
            assertThat(e.message()).contains("volume full");
        });
        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.DataMovedAside).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("data-demo-1/pgdata.broken-20261129T101500Z"));

        client.statuses.put("demo-1", replicaStreaming("demo-1"));
        controller.reconcile(two);
        client.statuses.put("demo-1", replicaStreaming("demo-1").withStorage(
                new InstanceStatus.Storage(1 << 20, true, List.of())));
        controller.reconcile(two);
        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.VolumeFull).hasSize(2);
    }

    @Test
    void createdInstanceFollowsTheReadyPrimary() {
        runtime.start(0);
        client.statuses.put("demo-0", primaryReady("demo-0"));

        controller.reconcile(DEMO);

        assertThat(runtime.calls).contains("createPod 1 from demo-0");
    }

    @Test
    void parallelPassCreatesEveryMissingInstanceAndTellsEachWithItsReason() {
        runtime.start(0);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        ClusterSpec parallel = DEMO.withInstances(4).withPodManagementPolicy(PodManagementPolicy.PARALLEL);

        ClusterStatus status = controller.reconcile(parallel);

        assertThat(runtime.calls).containsExactly("recordPrimary demo-0", "createPod 1 from demo-0",
                "createPod 2 from demo-0", "createPod 3 from demo-0");
        assertThat(client.ensured).containsExactly(List.of("pgset_demo_1", "pgset_demo_2", "pgset_demo_3"));
        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.Create).extracting(e -> e.pod().orElseThrow())
                .containsExactly("demo-1", "demo-2", "demo-3");
        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.Create)
                .allSatisfy(e -> assertThat(e.message()).contains("is missing (want 4)", "Parallel"));
        assertThat(status.message()).contains("demo-1 is missing", "demo-2 is missing", "demo-3 is missing");
        assertThat(controller.acted()).isTrue();
    }

    @Test
    void recordsTheReadyPrimaryOnce() {
        runtime.start(0);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        ClusterSpec single = DEMO.withInstances(1);

        controller.reconcile(single);
        controller.reconcile(single);

        assertThat(runtime.calls).filteredOn(c -> c.startsWith("recordPrimary")).containsExactly("recordPrimary demo-0");
        assertThat(events).filteredOn(e -> e.contains("primary is demo-0")).hasSize(1);
    }

    @Test
    void phaseIsHealthyWhenEveryDesiredInstanceIsReadyWithAPrimary() {
        runtime.start(0, 1, 2);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", replicaStreaming("demo-1"));
        client.statuses.put("demo-2", replicaStreaming("demo-2"));

        ClusterStatus status = controller.reconcile(DEMO);

        assertThat(status.phase()).isEqualTo(Phase.HEALTHY);
        assertThat(status.primary()).isEqualTo("demo-0");
        assertThat(status.readyInstances()).isEqualTo(3);
        assertThat(status.message()).isEmpty();
    }

    static Stream<Arguments> notHealthy() {
        return Stream.<Arguments>of(
                Arguments.of("a replica is not ready", (Consumer<FakeClient>) c -> {
                    c.statuses.put("demo-0", primaryReady("demo-0"));
                    c.statuses.put("demo-1", replicaStreaming("demo-1"));
                    c.statuses.put("demo-2", notReady("demo-2", "catching up"));
                }),
                Arguments.of("no primary", (Consumer<FakeClient>) c -> {
                    c.statuses.put("demo-0", replicaStreaming("demo-0"));
                    c.statuses.put("demo-1", replicaStreaming("demo-1"));
                    c.statuses.put("demo-2", replicaStreaming("demo-2"));
                }),
                Arguments.of("the primary is not ready", (Consumer<FakeClient>) c -> {
                    c.statuses.put("demo-0", new InstanceStatus("demo-0", Role.PRIMARY, true, false, 42, 1,
                            "0/3000100", null, false, 0, 0, "not accepting connections", ""));
                    c.statuses.put("demo-1", replicaStreaming("demo-1"));
                    c.statuses.put("demo-2", replicaStreaming("demo-2"));
                }),
                Arguments.of("slots cannot be ensured", (Consumer<FakeClient>) c -> {
                    c.statuses.put("demo-0", primaryReady("demo-0"));
                    c.statuses.put("demo-1", replicaStreaming("demo-1"));
                    c.statuses.put("demo-2", replicaStreaming("demo-2"));
                    c.slotFailure = new IOException("connection reset");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notHealthy")
    void phaseIsNotHealthyWhileAnyDesiredInstanceOrThePrimaryIsMissingReadiness(String description,
                                                                               Consumer<FakeClient> setup) {
        runtime.start(0, 1, 2);
        runtime.recorded = Optional.of("demo-0");
        setup.accept(client);

        assertThat(controller.reconcile(DEMO).phase()).isNotEqualTo(Phase.HEALTHY);
    }

    static Stream<Arguments> inspectedNotHealthy() {
        return Stream.of(
                Arguments.of("demo-2 not ready", notReady("demo-2", "catching up")),
                Arguments.of("demo-2 unreachable", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inspectedNotHealthy")
    void inspectIsHealthyOnlyWhenEveryDesiredInstanceIsReady(String description, InstanceStatus third) {
        runtime.start(0, 1, 2);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", replicaStreaming("demo-1"));
        if (third != null) {
            client.statuses.put("demo-2", third);
        }

        ClusterStatus status = controller.inspect(DEMO);

        assertThat(status.phase()).isNotEqualTo(Phase.HEALTHY);
        assertThat(status.readyInstances()).isEqualTo(2);
    }

    @Test
    void inspectOfMissingPodIsProgressing() {
        runtime.start(0, 1);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", replicaStreaming("demo-1"));

        assertThat(controller.inspect(DEMO).phase()).isEqualTo(Phase.PROGRESSING);
    }

    @Test
    void inspectOfReadyClusterIsHealthy() {
        runtime.start(0, 1, 2);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", replicaStreaming("demo-1"));
        client.statuses.put("demo-2", replicaStreaming("demo-2"));

        assertThat(controller.inspect(DEMO).phase()).isEqualTo(Phase.HEALTHY);
    }

    @Test
    void phaseIsProgressingWhilePodsAreMissing() {
        runtime.start(0);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        ClusterStatus status = controller.reconcile(DEMO);

        assertThat(status.phase()).isEqualTo(Phase.PROGRESSING);
        assertThat(status.message()).contains("demo-1");
    }

    @Test
    void failingCreatePodStaysInsideReconcileAndIsReported() {
        runtime.createFailure = new IOException("no space left on device");

        ClusterStatus[] status = new ClusterStatus[1];
        assertThatCode(() -> status[0] = controller.reconcile(DEMO)).doesNotThrowAnyException();

        assertThat(status[0].message()).contains("CreatePod").contains("no space left on device");
        assertThat(status[0].phase()).isNotEqualTo(Phase.HEALTHY);
        assertThat(events).anySatisfy(e -> assertThat(e).contains("cluster=demo").contains("no space left on device"));
        assertThat(told).filteredOn(e -> e.reason() == Event.Reason.Failed).singleElement().satisfies(e -> {
            assertThat(e.severity()).isEqualTo(Event.Severity.WARNING);
            assertThat(e.pod()).contains("demo-0");
        });
    }

    @Test
    void aFailureRepeatedEveryPassIsToldOnceUntilItChanges() {
        runtime.createFailure = new IOException("port 5433 is in use");
        controller.reconcile(DEMO);
        controller.reconcile(DEMO);
        controller.reconcile(DEMO);
        assertThat(events).filteredOn(e -> e.contains("port 5433 is in use")).hasSize(1);
        assertThat(events).filteredOn(e -> e.contains("create demo-0")).hasSize(1);

        runtime.createFailure = new IOException("port 5434 is in use");
        controller.reconcile(DEMO);
        assertThat(events).filteredOn(e -> e.contains("port 5434 is in use")).hasSize(1);
    }

    @Test
    void failingRuntimeExceptionInCreatePodStaysInsideReconcile() {
        runtime.createFailure = new IllegalStateException("port 5433 in use");

        assertThatCode(() -> controller.reconcile(DEMO)).doesNotThrowAnyException();
        assertThat(events).anySatisfy(e -> assertThat(e).contains("port 5433 in use"));
    }

    @Test
    void repeatedWaitReasonIsLoggedOnce() {
        runtime.start(0, 1);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", notReady("demo-1", "cloning from demo-0"));

        controller.reconcile(DEMO);
        controller.reconcile(DEMO);
        controller.reconcile(DEMO);

        assertThat(events).filteredOn(e -> e.contains("waiting:")).singleElement().asString()
                .contains("demo-1").contains("cloning from demo-0");
    }

    @Test
    void changedWaitReasonIsLoggedAgain() {
        runtime.start(0, 1);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", notReady("demo-1", "cloning from demo-0"));
        controller.reconcile(DEMO);

        client.statuses.put("demo-1", notReady("demo-1", "starting"));
        controller.reconcile(DEMO);

        assertThat(events).filteredOn(e -> e.contains("waiting:")).hasSize(2);
    }

    @Test
    void inspectOnEmptyClusterCreatesNothing() {
        ClusterStatus status = controller.inspect(DEMO);

        assertThat(runtime.calls).isEmpty();
        assertThat(events).isEmpty();
        assertThat(status.pods()).isEmpty();
    }

    @Test
    void inspectWithSurplusInstancesDeletesNothing() {
        runtime.start(0, 1, 2);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", replicaStreaming("demo-1"));
        client.statuses.put("demo-2", replicaStreaming("demo-2"));

        controller.inspect(DEMO.withInstances(1));

        assertThat(runtime.calls).isEmpty();
        assertThat(client.ensured).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void reportsReplicaLagAsBytesBehindThePrimary() {
        runtime.start(0, 1);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        client.statuses.put("demo-1", replicaStreaming("demo-1"));

        ClusterStatus status = controller.inspect(DEMO.withInstances(2));

        assertThat(status.pods()).extracting(ClusterStatus.PodStatus::name, ClusterStatus.PodStatus::lagBytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("demo-0", 0L),
                        org.assertj.core.groups.Tuple.tuple("demo-1", 256L));
    }

    @Test
    void stoppedPodsAreNotAskedForStatus() {
        runtime.start(0);
        runtime.pods.put(1, pod(1, false));
        client.statuses.put("demo-0", primaryReady("demo-0"));

        ClusterStatus status = controller.inspect(DEMO);

        assertThat(client.asked).containsExactly("demo-0");
        assertThat(status.pods()).extracting(ClusterStatus.PodStatus::name).containsExactly("demo-0");
    }

    // --- fakes and helpers ----------------------------------------------------------------------

    static InstanceStatus primaryReady(String pod) {
        return new InstanceStatus(pod, Role.PRIMARY, true, true, 42, 1, "0/3000100", null, false, 0, 0, "", "");
    }

    static InstanceStatus replicaStreaming(String pod) {
        return new InstanceStatus(pod, Role.REPLICA, true, true, 43, 1, "0/3000000", "0/3000100", true, 0, 0, "", "127.0.0.1:5432");
    }

    static InstanceStatus notReady(String pod, String message) {
        return new InstanceStatus(pod, Role.UNKNOWN, false, false, 0, 0, null, null, false, 0, 0, message, "");
    }

    static PodState pod(int ordinal, boolean running) {
        return new PodState("demo-" + ordinal, ordinal, running, running ? 100 + ordinal : 0, "127.0.0.1",
                5432 + ordinal, 8000 + ordinal);
    }

    /** In-memory pods and volumes; records every call that changes something. */
    static final class FakeRuntime implements ClusterRuntime {
        final Map<Integer, PodState> pods = new TreeMap<>();
        final Map<Integer, VolumeState> volumes = new TreeMap<>();
        final List<String> calls = new ArrayList<>();
        Optional<String> recorded = Optional.empty();
        Exception createFailure;

        void start(int... ordinals) {
            for (int ordinal : ordinals) {
                pods.put(ordinal, pod(ordinal, true));
                volumes.put(ordinal, new VolumeState("data-demo-" + ordinal, ordinal, "/data/demo-" + ordinal));
            }
        }

        @Override
        public List<PodState> pods() {
            return List.copyOf(pods.values());
        }

        @Override
        public List<VolumeState> volumes() {
            return List.copyOf(volumes.values());
        }

        @Override
        public Optional<String> recordedPrimary() {
            return recorded;
        }

        @Override
        public void recordPrimary(String pod) {
            calls.add("recordPrimary " + pod);
            recorded = Optional.of(pod);
        }

        @Override
        public void createPod(int ordinal, Optional<PodState> upstream, boolean newDatabase) throws Exception {
            calls.add("createPod " + ordinal + upstream.map(p -> " from " + p.name()).orElse("")
                    + (newDatabase ? " new database" : ""));
            if (createFailure != null) {
                throw createFailure;
            }
            start(ordinal);
        }

        @Override
        public void deletePod(PodState pod) {
            calls.add("deletePod " + pod.name());
            pods.remove(pod.ordinal());
        }

        @Override
        public void fence(String pod) {
            calls.add("fence " + pod);
            pods.values().removeIf(p -> p.name().equals(pod));
        }

        @Override
        public void deleteVolume(int ordinal) {
            calls.add("deleteVolume " + ordinal);
            volumes.remove(ordinal);
        }
    }

    /** Reports the statuses a test sets; an instance without one is unreachable. */
    static final class FakeClient implements InstanceClient {
        final Map<String, InstanceStatus> statuses = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        final List<List<String>> ensured = new ArrayList<>();
        Exception slotFailure;

        @Override
        public InstanceStatus status(PodState pod) {
            asked.add(pod.name());
            return statuses.getOrDefault(pod.name(), InstanceStatus.unreachable(pod.name(), "connection refused"));
        }

        @Override
        public void promote(PodState pod) {
            asked.add("promote " + pod.name());
        }

        @Override
        public String demote(PodState primary, PodState newPrimary) {
            asked.add("demote " + primary.name() + " for " + newPrimary.name());
            return "0/3000100";
        }

        @Override
        public void follow(PodState pod, PodState primary) {
            asked.add("follow " + pod.name() + " " + primary.name());
        }

        @Override
        public void ensureSlots(PodState primary, List<String> slots) throws Exception {
            ensured.add(slots);
            if (slotFailure != null) {
                throw slotFailure;
            }
        }

        @Override
        public void reload(PodState pod) {
            asked.add("reload " + pod.name());
        }

        @Override
        public void restart(PodState pod) {
            asked.add("restart " + pod.name());
        }
    }
}
