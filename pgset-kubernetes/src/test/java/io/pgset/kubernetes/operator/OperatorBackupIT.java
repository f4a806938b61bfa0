package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.api.BackupStatus;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.api.PostgresClusterStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scheduled backups kept by the operator ({@link BackupScheduler}) against the fabric8 mock API
 * server, with {@link FakeKubelet} and {@link FakeInstances}, whose primary takes a backup when
 * asked and ends it when the test says. The operator's clock is real time shifted to a Sunday
 * just before 03:00, and moved on to bring scheduled times.
 */
@ExtendWith(ApplyingMockServer.class)
class OperatorBackupIT {

    /** Full backups on Sundays, incremental ones every night; both at 03:00 UTC. */
    private static final String SPEC = """
            instances: 2
            backup: {schedule: {full: "0 3 * * 0", incremental: "0 3 * * *"}}
            """;
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    static KubernetesClient client;

    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private final String ns = "backups-" + NAMESPACES.incrementAndGet();
    private final ShiftedClock clock = new ShiftedClock(Instant.parse("2030-01-06T02:59:00Z"));
    private FakeKubelet kubelet;
    private FakeInstances instances;
    private PgsetOperator operator;

    @BeforeEach
    void startCluster() {
        kubelet = new FakeKubelet(client, ns, timeline);
        instances = new FakeInstances(client, ns, "demo", timeline).timedBy(clock);
        operator = startOperator();
        PostgresCluster cluster = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\nspec:\n"
                        + SPEC.indent(2), PostgresCluster.class);
        client.resources(PostgresCluster.class).inNamespace(ns).resource(cluster).create();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(status()).isNotNull();
            assertThat(status().phase).as("message: %s", status().message).isEqualTo("Healthy");
            assertThat(status().readyInstances).isEqualTo(2);
        });
    }

    @AfterEach
    void stop() {
        operator.close();
        kubelet.close();
    }

    @Test
    void dueBackupRunsOnThePrimaryOneAtATimeAndEachEndIsTold() {
        BackupStatus before = status().backup;
        assertThat(before.scheduled()).containsOnlyKeys("full", "incr");
        assertThat(before.scheduled().get("full").due()).isEqualTo("2030-01-06T03:00:00Z");
        assertThat(before.scheduled().get("incr").due()).isEqualTo("2030-01-06T03:00:00Z");
        assertThat(backups()).as("nothing is due before 03:00").isEmpty();

        clock.set(Instant.parse("2030-01-06T03:00:00Z"));
        BackupStatus.Run full = awaitRunning("full");
        assertThat(full.pod()).isEqualTo(status().primary).isEqualTo("demo-0");
        assertThat(full.repo()).isEqualTo(1);
        assertThat(full.covers()).as("the full backup stands for the incremental due with it")
                .containsExactly("full", "incr");
        BackupStatus running = status().backup;
        assertThat(running.scheduled().get("full").due()).isEqualTo("2030-01-13T03:00:00Z");
        assertThat(running.scheduled().get("incr").due()).isEqualTo("2030-01-07T03:00:00Z");
        assertThat(running.scheduled().values()).allSatisfy(s -> assertThat(s.lastStarted()).isEqualTo(full.started()));
        assertThat(told("BackupStarted")).singleElement().isEqualTo("Normal BackupStarted: scheduled full backup to"
                + " repository 1 (local) on primary demo-0 (due 2030-01-06T03:00:00Z)");

        // Two incrementals come due while the full one runs: they wait for it, then one runs.
        clock.set(Instant.parse("2030-01-08T03:00:10Z"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().backup.waiting())
                .isEqualTo("incr backup due at 2030-01-07T03:00:00Z waits for the full backup that runs on demo-0"));
        instances.finishBackup("demo-0", "");
        BackupStatus.Run incr = awaitRunning("incr");
        assertThat(status().backup.last().result()).isEqualTo("Succeeded");
        assertThat(status().backup.last().label()).isEqualTo("20300106-030000F");
        assertThat(status().backup.waiting()).isNull();
        assertThat(incr.covers()).containsExactly("incr");
        assertThat(told("BackupCompleted")).singleElement().isEqualTo("Normal BackupCompleted: full backup to"
                + " repository 1 (local) on primary demo-0 completed in 42.0 s, 22.3MB, label 20300106-030000F");
        assertThat(backups()).as("never asked while one ran; one catch-up for two missed times")
                .containsExactly("backup full demo-0", "backup incr demo-0");

        instances.finishBackup("demo-0", "[056]: unable to find base backup");
        await().atMost(Duration.ofSeconds(10)).until(() -> status().backup.running() == null);
        assertThat(status().backup.last().result()).isEqualTo("Failed");
        assertThat(status().backup.last().error()).isEqualTo("[056]: unable to find base backup");
        assertThat(told("BackupFailed")).singleElement().isEqualTo("Warning BackupFailed: incr backup to repository 1"
                + " (local) on primary demo-0 failed after 42.0 s: [056]: unable to find base backup; the next runs"
                + " at its scheduled time");
        assertThat(status().backup.scheduled().get("incr").due()).isEqualTo("2030-01-09T03:00:00Z");
        assertThat(backups()).hasSize(2);
    }

    @Test
    void aRestartedOperatorFollowsTheBackupItStartedAndCatchesUpOnlyOnce() {
        clock.set(Instant.parse("2030-01-06T03:00:00Z"));
        awaitRunning("full");
        operator.close();

        // While no operator runs, the backup ends and four incrementals come due.
        instances.finishBackup("demo-0", "");
        clock.set(Instant.parse("2030-01-10T12:00:00Z"));
        operator = startOperator();

        BackupStatus.Run incr = awaitRunning("incr");
        assertThat(status().backup.last().type()).isEqualTo("full");
        assertThat(status().backup.last().result()).isEqualTo("Succeeded");
        assertThat(incr.dueAt()).isEqualTo("2030-01-07T03:00:00Z");
        assertThat(status().backup.scheduled().get("incr").due()).isEqualTo("2030-01-11T03:00:00Z");
        assertThat(told("BackupCompleted")).hasSize(1);
        assertThat(told("BackupStarted")).hasSize(2).last().asString()
                .startsWith("Normal BackupStarted: scheduled incr backup to repository 1 (local) on primary demo-0"
                        + " (due 2030-01-07T03:00:00Z, ");
        assertThat(backups()).as("the full backup is not taken again; one catch-up for four missed times")
                .containsExactly("backup full demo-0", "backup incr demo-0");
    }

    /** The operator asked, the primary started, and the operator stopped before it could publish that. */
    @Test
    void aBackupTheOperatorAskedForJustBeforeItStoppedIsFollowedNotTakenAgain() throws Exception {
        operator.close();
        clock.set(Instant.parse("2030-01-06T03:00:02Z"));
        instances.startBackup(new io.pgset.core.control.PodState("demo-0", 0, true, 0, "", 5432, 8008),
                io.pgset.core.model.BackupSpec.BackupType.FULL, 1);
        operator = startOperator();

        BackupStatus.Run full = awaitRunning("full");
        assertThat(full.started()).startsWith("2030-01-06T03:00:0");
        assertThat(full.covers()).containsExactly("full", "incr");
        assertThat(backups()).containsExactly("backup full demo-0");
        instances.finishBackup("demo-0", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> status().backup.running() == null);
        assertThat(status().backup.last().result()).isEqualTo("Succeeded");
        assertThat(backups()).containsExactly("backup full demo-0");
    }

    @Test
    void anAnnotationAsksForOneBackupPerValueAndABadOneIsToldNotTaken() {
        clock.set(Instant.parse("2030-01-06T01:00:00Z")); // nothing scheduled comes due during the test
        annotate(Map.of(BackupRequest.ANNOTATION, "before-upgrade", BackupRequest.TYPE, "diff"));
        BackupStatus.Run diff = awaitRunning("diff");
        assertThat(diff.pod()).isEqualTo("demo-0");
        assertThat(diff.dueAt()).as("it stands for no scheduled time").isNull();
        assertThat(diff.covers()).isNull();
        assertThat(status().backup.request()).isEqualTo("before-upgrade");
        assertThat(told("BackupStarted")).singleElement().isEqualTo("Normal BackupStarted: on-demand diff backup to"
                + " repository 1 (local) on primary demo-0 (pgset.io/backup=before-upgrade)");
        instances.finishBackup("demo-0", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> status().backup.running() == null);
        assertThat(status().backup.last().result()).isEqualTo("Succeeded");

        annotate(Map.of(BackupRequest.ANNOTATION, "second", BackupRequest.REPO, "2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !told("BackupFailed").isEmpty());
        assertThat(told("BackupFailed")).singleElement().isEqualTo("Warning BackupFailed: the backup asked for by"
                + " pgset.io/backup=second was not taken: pgset.io/backup-repo: must be a repository number from 1 to 1"
                + " (the order of spec.backup.repositories), got \"2\"; fix it and set a new pgset.io/backup value");
        assertThat(status().backup.request()).isEqualTo("second");

        annotate(Map.of(BackupRequest.ANNOTATION, "third"));
        assertThat(awaitRunning("full").dueAt()).isNull();
        assertThat(backups()).as("one backup per value; none for the bad one")
                .containsExactly("backup diff demo-0", "backup full demo-0");
        assertThat(status().backup.scheduled().get("full").due()).as("the schedule is not moved")
                .isEqualTo("2030-01-06T03:00:00Z");
    }

    private void annotate(Map<String, String> annotations) {
        client.resources(PostgresCluster.class).inNamespace(ns).withName("demo").edit(c -> {
            c.getMetadata().setAnnotations(annotations);
            return c;
        });
    }

    private PgsetOperator startOperator() {
        PgsetOperator started = new PgsetOperator(client, Set.of(ns), ManifestRenderer.DEFAULT_IMAGE, c -> instances,
                clock);
        started.start();
        return started;
    }

    /** Waits until the operator reports a backup of that type started by the pod, and returns it. */
    private BackupStatus.Run awaitRunning(String type) {
        Predicate<BackupStatus.Run> started = r -> r != null && r.type().equals(type) && r.started() != null;
        await().atMost(Duration.ofSeconds(20)).until(() -> status().backup != null
                && started.test(status().backup.running()));
        return status().backup.running();
    }

    private PostgresClusterStatus status() {
        PostgresCluster c = client.resources(PostgresCluster.class).inNamespace(ns).withName("demo").get();
        return c == null ? null : c.getStatus();
    }

    /** What the operator asked of the instances about backups, in order. */
    private List<String> backups() {
        synchronized (timeline) {
            return timeline.stream().filter(e -> e.startsWith("backup ")).toList();
        }
    }

    /** The Events with this reason, as "Type Reason: message", oldest first. */
    private List<String> told(String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> e.getReason().equals(reason))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getCreationTimestamp() == null ? ""
                        : e.getMetadata().getCreationTimestamp()))
                .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage()).toList();
    }
}
