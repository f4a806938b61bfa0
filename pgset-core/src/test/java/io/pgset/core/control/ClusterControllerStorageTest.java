package io.pgset.core.control;

import static io.pgset.core.control.ClusterControllerTest.primaryReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.StorageLevel;
import io.pgset.core.spec.SpecReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A volume crossing its storage alert, reaching its capacity and coming back are each told once. */
class ClusterControllerStorageTest {

    private static final long MI = 1L << 20;
    private static final ClusterSpec SPEC = SpecReader.defaults("demo").withInstances(1);

    private final ClusterControllerTest.FakeRuntime runtime = new ClusterControllerTest.FakeRuntime();
    private final ClusterControllerTest.FakeClient client = new ClusterControllerTest.FakeClient();
    private final List<Event> told = new ArrayList<>();
    private final ClusterController controller = new ClusterController(runtime, client, told::add);

    @Test
    void crossingTheAlertReachingCapacityAndComingBackAreEachToldOnce() {
        runtime.start(0);
        pass(10 * MI, 64 * MI);
        pass(52 * MI, 64 * MI);
        pass(53 * MI, 64 * MI);
        pass(64 * MI, 64 * MI);
        pass(64 * MI, 64 * MI);
        pass(64 * MI, 128 * MI);

        assertThat(storageEvents()).extracting(Event::reason, Event::severity).containsExactly(
                tuple(Event.Reason.StorageNearlyFull, Event.Severity.WARNING),
                tuple(Event.Reason.StorageAtCapacity, Event.Severity.WARNING),
                tuple(Event.Reason.StorageRecovered, Event.Severity.NORMAL));
        assertThat(storageEvents().get(0).pod()).contains("demo-0");
        assertThat(storageEvents().get(0).message()).startsWith("demo-0 volume 52.0 MiB of 64.0 MiB (81%), alert at 80%");
        assertThat(storageEvents().get(2).message()).isEqualTo("demo-0 volume 64.0 MiB of 128.0 MiB (50%), below the"
                + " alert at 80% again");
    }

    @Test
    void anInstanceThatHasNotMeasuredTellsNothing() {
        runtime.start(0);
        client.statuses.put("demo-0", primaryReady("demo-0"));
        controller.reconcile(SPEC);

        assertThat(storageEvents()).isEmpty();
    }

    @Test
    void aLevelPublishedBeforeARestartIsNotToldAgainButItsEndIs() {
        runtime.start(0);
        controller.storageLevelsPublished(java.util.Map.of("demo-0", StorageLevel.NEARLY_FULL));
        pass(52 * MI, 64 * MI);
        pass(53 * MI, 64 * MI);
        assertThat(storageEvents()).isEmpty();

        pass(10 * MI, 64 * MI);
        assertThat(storageEvents()).extracting(Event::reason).containsExactly(Event.Reason.StorageRecovered);
    }

    @Test
    void anUnknownPublishedLevelCountsAsNothingPublished() {
        runtime.start(0);
        controller.storageLevelsPublished(java.util.Map.of("demo-0", StorageLevel.UNKNOWN));
        pass(52 * MI, 64 * MI);

        assertThat(storageEvents()).extracting(Event::reason).containsExactly(Event.Reason.StorageNearlyFull);
    }

    private void pass(long used, long capacity) {
        client.statuses.put("demo-0", primaryReady("demo-0").withStorage(
                new InstanceStatus.Storage(1L << 30, false, List.of(), used, capacity, 80)));
        controller.reconcile(SPEC);
    }

    private List<Event> storageEvents() {
        return told.stream().filter(e -> e.reason() == Event.Reason.StorageNearlyFull
                || e.reason() == Event.Reason.StorageAtCapacity || e.reason() == Event.Reason.StorageRecovered).toList();
    }
}
