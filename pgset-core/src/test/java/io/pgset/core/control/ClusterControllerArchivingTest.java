package io.pgset.core.control;

import static io.pgset.core.control.ClusterControllerTest.primaryReady;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ArchiveStatus;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.spec.SpecReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The primary's archiving in status and events: a warning when it starts failing, a normal event when it works again. */
class ClusterControllerArchivingTest {

    private static final ClusterSpec ARCHIVED = SpecReader.read("""
            apiVersion: pgset.io/v1alpha1
            kind: PostgresCluster
            metadata: {name: demo}
            spec: {instances: 1, backup: {}}""");
    private static final ArchiveStatus WORKING = new ArchiveStatus(5, "000000010000000000000005",
            "2026-11-29T10:00:00Z", 2, 0, "", "", 0, "", 32L << 20, false);
    private static final ArchiveStatus FAILING = new ArchiveStatus(5, "000000010000000000000005",
            "2026-11-29T10:00:00Z", 60, 4, "000000010000000000000006", "2026-11-29T10:01:00Z", 3,
            "2026-11-29T10:00:30Z", 80L << 20, true);

    private final ClusterControllerTest.FakeRuntime runtime = new ClusterControllerTest.FakeRuntime();
    private final ClusterControllerTest.FakeClient client = new ClusterControllerTest.FakeClient();
    private final List<Event> told = new ArrayList<>();
    private final ClusterController controller = new ClusterController(runtime, client, told::add);

    @Test
    void failingIsToldOnceWhenItStartsAndRecoveryOnceWhenItEnds() {
        runtime.start(0);
        pass(WORKING);
        ClusterStatus failing = pass(FAILING);
        pass(FAILING);
        pass(WORKING);
        pass(WORKING);

        assertThat(failing.archive()).isEqualTo(FAILING);
        List<Event> archiving = told.stream().filter(e -> e.reason() == Event.Reason.ArchivingFailing
                || e.reason() == Event.Reason.ArchivingRecovered).toList();
        assertThat(archiving).extracting(Event::reason, Event::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Event.Reason.ArchivingFailing, Event.Severity.WARNING),
                org.assertj.core.groups.Tuple.tuple(Event.Reason.ArchivingRecovered, Event.Severity.NORMAL));
        assertThat(archiving.get(0).pod()).contains("demo-0");
        assertThat(archiving.get(0).message()).startsWith("WAL archiving failing since 2026-11-29T10:00:30Z, 3 segments"
                + " waiting, pg_wal at 80 MB on demo-0");
        assertThat(archiving.get(1).message()).contains("works again on demo-0");
    }

    @Test
    void withoutBackupThereIsNoArchiveInStatusAndNothingIsTold() {
        runtime.start(0);
        client.statuses.put("demo-0", primaryReady("demo-0").withArchive(FAILING));

        ClusterStatus status = controller.reconcile(SpecReader.defaults("demo").withInstances(1));

        assertThat(status.archive()).isNull();
        assertThat(told).noneMatch(e -> e.reason() == Event.Reason.ArchivingFailing);
    }

    private ClusterStatus pass(ArchiveStatus archive) {
        client.statuses.put("demo-0", primaryReady("demo-0").withArchive(archive));
        return controller.reconcile(ARCHIVED);
    }
}
