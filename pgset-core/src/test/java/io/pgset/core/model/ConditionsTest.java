package io.pgset.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionsTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00.750Z");
    private static final Instant T1 = Instant.parse("2026-11-29T10:05:00Z");

    @ParameterizedTest
    @CsvSource({
            "HEALTHY,     true,  false, false",
            "PROGRESSING, false, true,  false",
            "DEGRADED,    false, false, true",
            "STOPPED,     false, false, false"})
    void readyProgressingAndDegradedFollowThePhase(Phase phase, boolean ready, boolean progressing, boolean degraded) {
        List<Condition> conditions = Conditions.of(status(phase, false), Optional.empty(), List.of(), T0);

        assertThat(conditions).extracting(Condition::type).containsExactly(ConditionType.values());
        assertThat(statusOf(conditions, ConditionType.Ready)).isEqualTo(ready);
        assertThat(statusOf(conditions, ConditionType.Progressing)).isEqualTo(progressing);
        assertThat(statusOf(conditions, ConditionType.Degraded)).isEqualTo(degraded);
        assertThat(conditions).allSatisfy(c -> {
            assertThat(c.lastTransitionTime()).isEqualTo("2026-11-29T10:00:00Z");
            assertThat(c.reason()).matches("[A-Z][A-Za-z]*");
        });
        assertThat(find(conditions, ConditionType.Ready).reason()).isEqualTo(phase.label());
    }

    @Test
    void specInvalidHoldsWithTheProblemsAsMessage() {
        List<Condition> conditions = Conditions.of(status(Phase.DEGRADED, false),
                Optional.of("spec.instances: must be >= 1, got 0"), List.of(), T0);

        Condition invalid = find(conditions, ConditionType.SpecInvalid);
        assertThat(invalid.status()).isTrue();
        assertThat(invalid.reason()).isEqualTo("SpecInvalid");
        assertThat(invalid.message()).isEqualTo("spec.instances: must be >= 1, got 0");
        assertThat(find(Conditions.of(status(Phase.HEALTHY, false), Optional.empty(), List.of(), T0),
                ConditionType.SpecInvalid).status()).isFalse();
    }

    @Test
    void storageFullHoldsWhileAnInstancesVolumeIsFullAndNamesIt() {
        List<Condition> conditions = Conditions.of(status(Phase.DEGRADED, true), Optional.empty(), List.of(), T0);

        Condition full = find(conditions, ConditionType.StorageFull);
        assertThat(full.status()).isTrue();
        assertThat(full.reason()).isEqualTo("VolumeFull");
        assertThat(full.message()).contains("demo-1").doesNotContain("demo-0");
        assertThat(statusOf(Conditions.of(status(Phase.HEALTHY, false), Optional.empty(), List.of(), T0),
                ConditionType.StorageFull)).isFalse();
    }

    @Test
    void transitionTimeChangesOnlyWhenTheStatusDoes() {
        List<Condition> first = Conditions.of(status(Phase.PROGRESSING, false), Optional.empty(), List.of(), T0);
        List<Condition> same = Conditions.of(status(Phase.PROGRESSING, false), Optional.empty(), first, T1);
        List<Condition> healthy = Conditions.of(status(Phase.HEALTHY, false), Optional.empty(), same, T1);

        assertThat(same).extracting(Condition::lastTransitionTime).containsOnly("2026-11-29T10:00:00Z");
        assertThat(find(healthy, ConditionType.Ready).lastTransitionTime()).isEqualTo("2026-11-29T10:05:00Z");
        assertThat(find(healthy, ConditionType.Progressing).lastTransitionTime()).isEqualTo("2026-11-29T10:05:00Z");
        assertThat(find(healthy, ConditionType.Degraded).lastTransitionTime())
                .as("still false").isEqualTo("2026-11-29T10:00:00Z");
        assertThat(find(healthy, ConditionType.SpecInvalid).lastTransitionTime()).isEqualTo("2026-11-29T10:00:00Z");
    }

    @Test
    void aChangedMessageAloneKeepsTheTransitionTime() {
        List<Condition> first = Conditions.of(status(Phase.PROGRESSING, false).withPhase(Phase.PROGRESSING,
                "creating demo-1"), Optional.empty(), List.of(), T0);
        List<Condition> later = Conditions.of(status(Phase.PROGRESSING, false).withPhase(Phase.PROGRESSING,
                "creating demo-2"), Optional.empty(), first, T1);

        Condition progressing = find(later, ConditionType.Progressing);
        assertThat(progressing.message()).isEqualTo("creating demo-2");
        assertThat(progressing.lastTransitionTime()).isEqualTo("2026-11-29T10:00:00Z");
    }

    @Test
    void storageNearlyFullHoldsFromTheAlertAndNamesEachVolumeWithItsUse() {
        ClusterStatus status = withStorage(new InstanceStatus.Storage(1L << 30, false, List.of(), 52L << 20,
                64L << 20, 80));

        Condition nearly = find(Conditions.of(status, Optional.empty(), List.of(), T0), ConditionType.StorageNearlyFull);
        assertThat(nearly.status()).isTrue();
        assertThat(nearly.reason()).isEqualTo("AboveAlert");
        assertThat(nearly.message()).isEqualTo("demo-1 volume 52.0 MiB of 64.0 MiB (81%), alert at 80%: raise"
                + " spec.storage.size with pgset apply, or free space");
        assertThat(statusOf(Conditions.of(status, Optional.empty(), List.of(), T0), ConditionType.StorageFull)).isFalse();
    }

    @Test
    void aVolumeAtItsCapacityIsFullAndNearlyFull() {
        ClusterStatus status = withStorage(new InstanceStatus.Storage(1L << 30, false, List.of(), 64L << 20,
                64L << 20, 80));

        List<Condition> conditions = Conditions.of(status, Optional.empty(), List.of(), T0);
        assertThat(find(conditions, ConditionType.StorageFull).status()).isTrue();
        assertThat(find(conditions, ConditionType.StorageFull).message()).contains("demo-1");
        assertThat(find(conditions, ConditionType.StorageNearlyFull).reason()).isEqualTo("VolumeFull");
    }

    @Test
    void storageNearlyFullClearsBelowTheAlert() {
        ClusterStatus status = withStorage(new InstanceStatus.Storage(1L << 30, false, List.of(), 52L << 20,
                128L << 20, 80));

        Condition nearly = find(Conditions.of(status, Optional.empty(), List.of(), T0), ConditionType.StorageNearlyFull);
        assertThat(nearly.status()).isFalse();
        assertThat(nearly.reason()).isEqualTo("BelowAlert");
    }

    private static ClusterStatus withStorage(InstanceStatus.Storage demo1) {
        ClusterStatus.PodStatus p = pod("demo-1", false);
        ClusterStatus.PodStatus measured = new ClusterStatus.PodStatus(p.name(), p.ordinal(), p.role(), p.ready(),
                p.host(), p.port(), p.pid(), p.timeline(), p.lsn(), p.lagBytes(), p.lagSeconds(), p.volume(),
                p.restarts(), p.message(), p.pendingRestart(), p.certificateExpires(), demo1);
        return new ClusterStatus("demo", Phase.HEALTHY, "demo-0", 2, 2, List.of(pod("demo-0", false), measured),
                List.of(), Map.of(), "", "v1", null, List.of());
    }

    private static ClusterStatus status(Phase phase, boolean demo1Full) {
        List<ClusterStatus.PodStatus> pods = List.of(pod("demo-0", false), pod("demo-1", demo1Full));
        return new ClusterStatus("demo", phase, phase == Phase.HEALTHY ? "demo-0" : null, 2, 2, pods, List.of(),
                Map.of(), phase == Phase.HEALTHY ? "" : "something", "v1", null, List.of());
    }

    private static ClusterStatus.PodStatus pod(String name, boolean full) {
        return new ClusterStatus.PodStatus(name, PodName.parse(name).ordinal(), "replica", !full, "127.0.0.1",
                5432, 1, 1, "0/3000000", 0, 0, "data-" + name, 0, "", List.of(), "",
                new InstanceStatus.Storage(full ? 0 : 1 << 20, full, List.of()));
    }

    private static Condition find(List<Condition> conditions, ConditionType type) {
        return conditions.stream().filter(c -> c.type() == type).findFirst().orElseThrow();
    }

    private static boolean statusOf(List<Condition> conditions, ConditionType type) {
        return find(conditions, type).status();
    }
}
