package io.pgset.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The controller carrying out failovers: order of steps, stopping at a failed fence, timing. */
class ClusterControllerFailoverTest {

    /** Three instances, async, failover.delaySeconds 0. */
    private static final ClusterSpec DEMO = SpecReader.defaults("demo");

    /** Every call that changes something, runtime and instance client alike, in the order made. */
    private final List<String> log = new ArrayList<>();
    private final FakeRuntime runtime = new FakeRuntime(log);
    private final FakeClient client = new FakeClient(log);
    /** What was told, as its log line names it ({@code cluster=demo pod=demo-0 ...}). */
    private final List<String> events = new ArrayList<>();
    private final List<Event> told = new ArrayList<>();
    private final EventSink sink = e -> {
        told.add(e);
        events.add(e.describe());
    };
    private final MutableClock clock = new MutableClock();
    private final ClusterController controller = new ClusterController(runtime, client, sink, clock);

    @Test
    void lostPrimaryIsFencedBeforeTheMostAdvancedReplicaIsPromoted() {
        lostPrimaryWithTwoReplicas();

        controller.reconcile(DEMO);

        assertThat(log).containsExactly("fence demo-0", "recordPrimary demo-2", "promote demo-2", "follow demo-1 demo-2");
        assertThat(runtime.recorded).contains("demo-2");
        int fenced = indexOf(events, "fence demo-0");
        int promoted = indexOf(events, "promote demo-2");
        assertThat(fenced).as("fence event in %s", events).isNotNegative();
        assertThat(promoted).as("promote event in %s", events).isGreaterThan(fenced);
        assertThat(events).anySatisfy(e -> assertThat(e).contains("cluster=demo").contains("primary is demo-2"));
        assertThat(told).extracting(Event::reason, Event::severity).containsSubsequence(
                org.assertj.core.groups.Tuple.tuple(Event.Reason.Fence, Event.Severity.WARNING),
                org.assertj.core.groups.Tuple.tuple(Event.Reason.Promote, Event.Severity.NORMAL),
                org.assertj.core.groups.Tuple.tuple(Event.Reason.PrimaryChanged, Event.Severity.NORMAL));
    }

    @Test
    void afterFailoverTheOtherReplicaFollowsAndTheOldPrimaryRejoinsFromTheNewOne() {
        lostPrimaryWithTwoReplicas();
        controller.reconcile(DEMO);
        log.clear();

        controller.reconcile(DEMO);

        assertThat(log).contains("follow demo-1 demo-2", "createPod 0 from demo-2")
                .noneMatch(c -> c.startsWith("fence") || c.startsWith("promote"));
    }

    @Test
    void failedFenceMeansNoPromotion() {
        lostPrimaryWithTwoReplicas();
        runtime.fenceFailure = new IOException("cannot kill process group 4242");

        ClusterStatus status = controller.reconcile(DEMO);
        clock.advance(Duration.ofMinutes(1));
        controller.reconcile(DEMO);

        assertThat(log).containsExactly("fence demo-0", "fence demo-0");
        assertThat(runtime.recorded).contains("demo-0");
        assertThat(status.message()).contains("Fence").contains("cannot kill process group 4242");
        assertThat(events).anySatisfy(e -> assertThat(e).contains("cannot kill process group 4242"))
                .noneMatch(e -> e.contains("promote"));
    }

    @Test
    void unreadyPrimaryIsFencedOnlyAfterDetectionTime() {
        runtime.start(0, 1, 2);
        runtime.recorded = Optional.of("demo-0");
        client.statuses.put("demo-0", unreadyPrimary("demo-0"));
        client.statuses.put("demo-1", replica("demo-1", "0/3000100"));
        client.statuses.put("demo-2", replica("demo-2", "0/3000200"));

        controller.reconcile(DEMO);
        clock.advance(Duration.ofMillis(4_900));
        controller.reconcile(DEMO);

        assertThat(log).isEmpty();
        assertThat(events).anySatisfy(e -> assertThat(e).contains("waiting:").contains("demo-0"));

        clock.advance(Duration.ofMillis(100));
        controller.reconcile(DEMO);

        assertThat(log).containsExactly("fence demo-0", "recordPrimary demo-2", "promote demo-2", "follow demo-1 demo-2");
    }

    @Test
    void primaryReadyAgainRestartsTheDetectionTime() {
        runtime.start(0, 1, 2);
        runtime.recorded = Optional.of("demo-0");
        client.statuses.put("demo-0", unreadyPrimary("demo-0"));
        client.statuses.put("demo-1", replica("demo-1", "0/3000100"));
        client.statuses.put("demo-2", replica("demo-2", "0/3000200"));
        controller.reconcile(DEMO);

        clock.advance(Duration.ofSeconds(4));
        client.statuses.put("demo-0", readyPrimary("demo-0"));
        controller.reconcile(DEMO);
        clock.advance(Duration.ofSeconds(2));
        client.statuses.put("demo-0", unreadyPrimary("demo-0"));
        controller.reconcile(DEMO);
        clock.advance(Duration.ofMillis(4_900));
        controller.reconcile(DEMO);

        assertThat(log).noneMatch(c -> c.startsWith("fence") || c.startsWith("promote"));

        clock.advance(Duration.ofMillis(100));
        controller.reconcile(DEMO);

        assertThat(log).containsSubsequence("fence demo-0", "promote demo-2");
    }

    @Test
    void lostPrimaryWaitsForItToStopItselfUnlessItsRuntimeProvesItStopped() {
        lostPrimaryWithTwoReplicas();
        runtime.settles = Duration.ofSeconds(17);

        controller.reconcile(DEMO);
        clock.advance(Duration.ofSeconds(16));
        controller.reconcile(DEMO);
        assertThat(log).noneMatch(c -> c.startsWith("fence") || c.startsWith("promote"));

        runtime.provenStopped.add("demo-0");
        controller.reconcile(DEMO);
        assertThat(log).containsSubsequence("fence demo-0", "recordPrimary demo-2", "promote demo-2");
    }

    @Test
    void gonePrimaryIsFailedOverAfterDelaySeconds() {
        ClusterSpec delayed = spec("{instances: 3, failover: {delaySeconds: 10}}");
        lostPrimaryWithTwoReplicas();

        controller.reconcile(delayed);
        clock.advance(Duration.ofMillis(9_900));
        controller.reconcile(delayed);

        assertThat(log).as("meanwhile the last primary is started again from its volume")
                .contains("createPod 0")
                .noneMatch(c -> c.startsWith("fence") || c.startsWith("promote"));

        assertThat(controller.counters()).isEqualTo(HaCounters.NONE);
        clock.advance(Duration.ofMillis(100));
        controller.reconcile(delayed);

        assertThat(log).containsSubsequence("fence demo-0", "recordPrimary demo-2", "promote demo-2");
        assertThat(controller.counters()).as("one failover, timed from the pass that first saw the primary lost")
                .isEqualTo(new HaCounters(1, 0, 10.0));
    }

    @Test
    void syncClusterWithoutProofWaitsAndSaysWhy() {
        ClusterSpec sync = spec("{instances: 3, replication: {mode: sync, syncStandbys: 1}}");
        runtime.start(1, 2);
        runtime.recorded = Optional.of("demo-0");
        client.statuses.put("demo-1", replica("demo-1", "0/3000100"));
        // demo-2 runs but does not answer

        controller.reconcile(sync);
        clock.advance(Duration.ofMinutes(10));
        ClusterStatus status = controller.reconcile(sync);

        assertThat(log).noneMatch(c -> c.startsWith("fence") || c.startsWith("promote"));
        assertThat(status.message()).contains("1 of 2").contains("2 are needed");
        assertThat(events).filteredOn(e -> e.contains("waiting:") && e.contains("1 of 2")).hasSize(1);
    }

    @Test
    void splitBrainFencesTheStalePrimaryAndKeepsTheRecordedOne() {
        runtime.start(0, 1, 2);
        runtime.recorded = Optional.of("demo-1");
        client.statuses.put("demo-0", readyPrimary("demo-0", 1));
        client.statuses.put("demo-1", readyPrimary("demo-1", 2));
        client.statuses.put("demo-2", replica("demo-2", "0/3000100"));

        controller.reconcile(DEMO);

        assertThat(log).contains("fence demo-0").doesNotContain("fence demo-1");
    }

    @Test
    void splitBrainNeverRecordsTheStalePrimary() {
        runtime.start(0, 1, 2);
        runtime.recorded = Optional.of("demo-1");
        client.statuses.put("demo-0", readyPrimary("demo-0", 1));
        client.statuses.put("demo-1", readyPrimary("demo-1", 2));
        client.statuses.put("demo-2", replica("demo-2", "0/3000100"));

        controller.reconcile(DEMO);

        assertThat(log).doesNotContain("recordPrimary demo-0");
        assertThat(runtime.recorded).contains("demo-1");
        assertThat(events).noneMatch(e -> e.contains("primary is demo-0"));
    }

    @Test
    void splitBrainOnOneTimelineFencesTheUnrecordedPrimary() {
        runtime.start(0, 1, 2);
        runtime.recorded = Optional.of("demo-1");
        client.statuses.put("demo-0", readyPrimary("demo-0", 1));
        client.statuses.put("demo-1", readyPrimary("demo-1", 1));
        client.statuses.put("demo-2", replica("demo-2", "0/3000100"));

        controller.reconcile(DEMO);

        assertThat(log).contains("fence demo-0").doesNotContain("fence demo-1");
        assertThat(runtime.recorded).contains("demo-1");
    }

    // --- fakes and helpers ----------------------------------------------------------------------

    /** demo-0 recorded as primary and gone; demo-1 and demo-2 replicas, demo-2 further ahead. */
    /**
     * The new primary is recorded before it is promoted (a pod starting meanwhile must not take the
     * old record for its own), and a promotion that fails puts the old record back.
     */
    @Test
    void aFailedPromotionRestoresThePreviousRecord() {
        lostPrimaryWithTwoReplicas();
        client.failPromote = true;

        controller.reconcile(DEMO);

        assertThat(log).containsExactly("fence demo-0", "recordPrimary demo-2", "promote demo-2",
                "recordPrimary demo-0");
        assertThat(runtime.recorded).contains("demo-0");
        assertThat(events).anySatisfy(e -> assertThat(e).contains("Promote failed"));
    }

    private void lostPrimaryWithTwoReplicas() {
        runtime.start(1, 2);
        runtime.recorded = Optional.of("demo-0");
        client.statuses.put("demo-1", replica("demo-1", "0/3000100"));
        client.statuses.put("demo-2", replica("demo-2", "0/3000200"));
    }

    private static int indexOf(List<String> events, String part) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    static ClusterSpec spec(String specBody) {
        return SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec: %s
                """.formatted(specBody));
    }

    static InstanceStatus readyPrimary(String pod, long timeline) {
        return new InstanceStatus(pod, Role.PRIMARY, true, true, 42, timeline, "0/3000100", null, false, 0, 0, "", "");
    }

    static InstanceStatus readyPrimary(String pod) {
        return readyPrimary(pod, 1);
    }

    static InstanceStatus unreadyPrimary(String pod) {
        return new InstanceStatus(pod, Role.PRIMARY, true, false, 42, 1, "0/3000100", null, false, 0, 0,
                "crash recovery", "");
    }

    /** A replica of demo-0 (127.0.0.1:5432) that has received up to {@code receivedLsn}. */
    static InstanceStatus replica(String pod, String receivedLsn) {
        return new InstanceStatus(pod, Role.REPLICA, true, true, 43, 1, "0/3000000", receivedLsn, true, 0, 0, "",
                "127.0.0.1:5432");
    }

    static PodState pod(int ordinal) {
        return new PodState("demo-" + ordinal, ordinal, true, 100 + ordinal, "127.0.0.1", 5432 + ordinal,
                8000 + ordinal);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2024-05-01T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** In-memory pods; created pods do not start (the test decides what runs). */
    static final class FakeRuntime implements ClusterRuntime {
        final Map<Integer, PodState> pods = new TreeMap<>();
        final List<String> log;
        Optional<String> recorded = Optional.empty();
        Exception fenceFailure;
        /** What {@link #fenceSettles()} answers, and the pods proven stopped, for which no wait is needed. */
        Duration settles = Duration.ZERO;
        final java.util.Set<String> provenStopped = new java.util.HashSet<>();

        FakeRuntime(List<String> log) {
            this.log = log;
        }

        void start(int... ordinals) {
            for (int ordinal : ordinals) {
                pods.put(ordinal, pod(ordinal));
            }
        }

        @Override
        public List<PodState> pods() {
            return List.copyOf(pods.values());
        }

        @Override
        public List<VolumeState> volumes() {
            return List.of();
        }

        @Override
        public Optional<String> recordedPrimary() {
            return recorded;
        }

        @Override
        public void recordPrimary(String pod) {
            log.add("recordPrimary " + pod);
            recorded = Optional.of(pod);
        }

        @Override
        public void createPod(int ordinal, Optional<PodState> upstream, boolean newDatabase) {
            log.add("createPod " + ordinal + upstream.map(p -> " from " + p.name()).orElse("")
                    + (newDatabase ? " new database" : ""));
        }

        @Override
        public void deletePod(PodState pod) {
            log.add("deletePod " + pod.name());
            pods.remove(pod.ordinal());
        }

        @Override
        public Duration fenceSettles() {
            return settles;
        }

        @Override
        public Duration fenceSettles(String lostPrimary) {
            return provenStopped.contains(lostPrimary) ? Duration.ZERO : settles;
        }

        @Override
        public void fence(String pod) throws Exception {
            log.add("fence " + pod);
            if (fenceFailure != null) {
                throw fenceFailure;
            }
            pods.values().removeIf(p -> p.name().equals(pod));
        }

        @Override
        public void deleteVolume(int ordinal) {
            log.add("deleteVolume " + ordinal);
        }
    }

    /** Reports the statuses a test sets (unreachable otherwise); a promoted replica reports itself primary. */
    static final class FakeClient implements InstanceClient {
        final Map<String, InstanceStatus> statuses = new HashMap<>();
        final List<String> log;

        FakeClient(List<String> log) {
            this.log = log;
        }

        @Override
        public InstanceStatus status(PodState pod) {
            return statuses.getOrDefault(pod.name(), InstanceStatus.unreachable(pod.name(), "connection refused"));
        }

        @Override
        public void ensureSlots(PodState primary, List<String> slots) {
        }

        boolean failPromote;

        @Override
        public void promote(PodState pod) {
            log.add("promote " + pod.name());
            if (failPromote) {
                throw new IllegalStateException(pod.name() + " did not come out of recovery");
            }
            statuses.put(pod.name(), readyPrimary(pod.name(), statuses.get(pod.name()).timeline() + 1));
        }

        @Override
        public String demote(PodState primary, PodState newPrimary) {
            log.add("demote " + primary.name() + " for " + newPrimary.name());
            return "0/3000100";
        }

        @Override
        public void follow(PodState pod, PodState primary) {
            log.add("follow " + pod.name() + " " + primary.name());
        }

        @Override
        public void reload(PodState pod) {
            log.add("reload " + pod.name());
        }

        @Override
        public void restart(PodState pod) {
            log.add("restart " + pod.name());
        }
    }
}
