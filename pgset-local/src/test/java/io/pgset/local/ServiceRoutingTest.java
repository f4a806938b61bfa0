package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ClusterStatus.PodStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceRoutingTest {

    private static final List<String> SERVERS = List.of("demo-0", "demo-1", "demo-2");

    @Test
    void rwRoutesToTheReadyPrimaryOnlyAndRoToTheReadyReplicas() {
        ServiceRouting routing = ServiceRouting.of(status(3, pod("demo-0", "primary", true),
                pod("demo-1", "replica", true), pod("demo-2", "replica", false)));
        assertThat(routing.rw()).containsExactly("demo-0");
        assertThat(routing.ro()).containsExactly("demo-1");
    }

    @Test
    void roRoutesToThePrimaryWhileNoReplicaIsReadyAndNothingRoutesWithoutAReadyPrimary() {
        assertThat(ServiceRouting.of(status(2, pod("demo-0", "primary", true), pod("demo-1", "replica", false))).ro())
                .containsExactly("demo-0");
        ServiceRouting none = ServiceRouting.of(status(2, pod("demo-0", "primary", false), pod("demo-1", "replica", false)));
        assertThat(none.rw()).isEmpty();
        assertThat(none.ro()).isEmpty();
    }

    @Test
    void rwRoutesNowhereWhileTwoInstancesSayTheyArePrimary() {
        ServiceRouting split = ServiceRouting.of(status(3, pod("demo-0", "primary", true),
                pod("demo-1", "primary", true), pod("demo-2", "replica", true)));
        assertThat(split.rw()).isEmpty();
        assertThat(split.ro()).containsExactly("demo-2");
        ServiceRouting notNamed = ServiceRouting.of(new ClusterStatus("demo", Phase.DEGRADED, null, 2, 1,
                List.of(pod("demo-1", "primary", true)), List.of(), Map.of(), "", "v1", null, List.of()));
        assertThat(notNamed.rw()).as("a primary the status does not name").isEmpty();
    }

    @Test
    void aRecordedPrimaryThatDidNotSayWhatItIsLeavesTheRoutingUnconfirmed() {
        Optional<String> recorded = Optional.of("demo-0");
        assertThat(ServiceRouting.unconfirmed(noReadyPrimary(pod("demo-0", "unknown", false), pod("demo-1", "replica", true)),
                recorded)).as("the recorded primary did not answer").isTrue();
        assertThat(ServiceRouting.unconfirmed(noReadyPrimary(pod("demo-0", "primary", false), pod("demo-1", "replica", true)),
                recorded)).as("it answered: not ready").isFalse();
        assertThat(ServiceRouting.unconfirmed(noReadyPrimary(pod("demo-0", "replica", true), pod("demo-1", "unknown", false)),
                recorded)).as("only the recorded primary counts").isFalse();
        assertThat(ServiceRouting.unconfirmed(noReadyPrimary(pod("demo-0", "unknown", false)), Optional.empty()))
                .as("no primary recorded yet: a new cluster").isFalse();
        assertThat(ServiceRouting.unconfirmed(status(2, pod("demo-0", "primary", true), pod("demo-1", "unknown", false)),
                Optional.of("demo-1"))).as("another instance is the ready primary").isFalse();
    }

    private static ClusterStatus noReadyPrimary(PodStatus... pods) {
        return new ClusterStatus("demo", Phase.DEGRADED, null, pods.length, 0, List.of(pods), List.of(), Map.of(), "",
                "v1", null, List.of());
    }

    @Test
    void aReplicaBeyondTheDesiredInstancesIsNotRoutedTo() {
        ServiceRouting routing = ServiceRouting.of(status(2, pod("demo-0", "primary", true),
                pod("demo-1", "replica", true), pod("demo-2", "replica", true)));
        assertThat(routing.ro()).containsExactly("demo-1");
    }

    @Test
    void aFailoverTakesTheOldPrimaryOutAndCutsItsSessionsBeforeTheNewOneIsIn() {
        ServiceRouting before = new ServiceRouting(Set.of("demo-0"), Set.of("demo-1", "demo-2"));
        ServiceRouting after = new ServiceRouting(Set.of("demo-1"), Set.of("demo-2"));
        assertThat(after.commandsFrom(Optional.of(before), SERVERS)).containsExactly(
                "set server rw/demo-0 state maint",
                "shutdown sessions server rw/demo-0",
                "set server ro/demo-1 state maint",
                "shutdown sessions server ro/demo-1",
                "set server rw/demo-1 state ready");
    }

    @Test
    void nothingChangedMeansNoCommand() {
        ServiceRouting same = new ServiceRouting(Set.of("demo-0"), Set.of("demo-1"));
        assertThat(same.commandsFrom(Optional.of(same), SERVERS)).isEmpty();
    }

    @Test
    void anAdoptedHaproxyGetsEveryServersStateSetOutsFirst() {
        ServiceRouting routing = new ServiceRouting(Set.of("demo-0"), Set.of("demo-1", "demo-2"));
        List<String> commands = routing.commandsFrom(Optional.empty(), SERVERS);
        assertThat(commands).hasSize(3 * 2 + 3);
        assertThat(commands.subList(0, 6)).allMatch(c -> c.contains("maint") || c.startsWith("shutdown sessions"));
        assertThat(commands.subList(6, 9)).containsExactly("set server rw/demo-0 state ready",
                "set server ro/demo-1 state ready", "set server ro/demo-2 state ready");
    }

    private static ClusterStatus status(int instances, PodStatus... pods) {
        return new ClusterStatus("demo", Phase.HEALTHY, "demo-0", instances, pods.length, List.of(pods), List.of(),
                Map.of(), "", "v1", null, List.of());
    }

    private static PodStatus pod(String name, String role, boolean ready) {
        int ordinal = Integer.parseInt(name.substring(name.indexOf('-') + 1));
        return new PodStatus(name, ordinal, role, ready, "127.0.0.1", 25000 + ordinal, 1, 1, "0/3000000", 0, 0,
                "data-" + name, 0, "", List.of(), "", InstanceStatus.Storage.UNKNOWN);
    }
}
