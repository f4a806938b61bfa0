package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelRoutesTest {

    private static final Services SERVICES = new Services(7001, 7002);

    @Test
    void rwGoesToThePrimaryAndRoToTheReplicasInTurnFromEachAllowedIpv4Range() {
        String nft = new KernelRoutes("pgset_t", 42, SERVICES, List.of("127.0.0.1/32", "10.0.0.0/8", "fd00::/8"),
                List.of(25000), List.of(25002, 25001)).render();
        assertThat(nft).contains(
                "ip daddr 127.0.0.1 tcp dport 7001 ip saddr 127.0.0.1/32 dnat to 127.0.0.1:25000\n",
                "ip daddr 127.0.0.1 tcp dport 7001 ip saddr 10.0.0.0/8 dnat to 127.0.0.1:25000\n",
                "tcp dport 7002 ip saddr 127.0.0.1/32 dnat to 127.0.0.1 : numgen inc mod 2 map { 0 : 25001, 1 : 25002 }\n");
        assertThat(nft).as("IPv6 ranges are HAProxy's").doesNotContain("fd00");
        assertThat(nft).contains("comment \"pgset haproxy=42\"");
        assertThat(KernelRoutes.haproxyOf(nft)).isEqualTo(42);
    }

    @Test
    void theTableIsReplacedWholeInOneScript() {
        String nft = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(25000), List.of()).render();
        assertThat(nft).startsWith("table ip pgset_t {}\ndelete table ip pgset_t\ntable ip pgset_t {\n");
    }

    @Test
    void aServiceWithNowhereToGoIsLeftToHaproxyAndItsRoutedSessionsAreGuarded() {
        String nft = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(), List.of()).render();
        assertThat(nft).doesNotContain("dnat to");
        assertThat(nft).contains("ct original proto-dst 7001 drop\n", "ct original proto-dst 7002 drop\n");
    }

    @Test
    void theGuardDropsRoutedSessionsOfInstancesTheServiceNoLongerRoutesTo() {
        String nft = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(25001),
                List.of(25000, 25002)).render();
        assertThat(nft).contains(
                "ct status dnat ct original ip daddr 127.0.0.1 ct original proto-dst 7001 ct reply proto-src != 25001 drop\n",
                "ct original proto-dst 7002 ct reply proto-src != { 25000, 25002 } drop\n");
        assertThat(nft).contains("type filter hook output priority -150;");
    }

    @Test
    void noAllowedIpv4RangeMeansNoRoute() {
        String nft = new KernelRoutes("pgset_t", 1, SERVICES, List.of(), List.of(25000), List.of(25000)).render();
        assertThat(nft).doesNotContain("dnat to");
    }

    @Test
    void aControllersFirstTableCutsEveryOtherInstanceOfEachService() {
        KernelRoutes routes = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(25001),
                List.of(25002));
        assertThat(routes.cuts(Set.of(25000, 25001, 25002), Optional.empty())).containsExactly(
                new int[] {7001, 25000}, new int[] {7002, 25000}, new int[] {7002, 25001}, new int[] {7001, 25002});
    }

    @Test
    void aChangeCutsOnlyTheInstancesAServiceLeft() {
        KernelRoutes primaryOnly = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(25000),
                List.of(25000));
        KernelRoutes oneReplica = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(25000),
                List.of(25001));
        KernelRoutes twoReplicas = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(25000),
                List.of(25001, 25002));
        KernelRoutes failedOver = new KernelRoutes("pgset_t", 1, SERVICES, List.of("127.0.0.1/32"), List.of(25001),
                List.of(25002));
        Set<Integer> servers = Set.of(25000, 25001, 25002);

        assertThat(oneReplica.cuts(servers, Optional.of(primaryOnly))).as("ro left the primary")
                .containsExactly(new int[] {7002, 25000});
        assertThat(twoReplicas.cuts(servers, Optional.of(oneReplica))).as("a replica joined ro: nothing left").isEmpty();
        assertThat(failedOver.cuts(servers, Optional.of(twoReplicas))).as("rw moved, ro lost the new primary")
                .containsExactlyInAnyOrder(new int[] {7001, 25000}, new int[] {7002, 25001});
        assertThat(failedOver.cuts(Set.of(25001, 25002), Optional.of(twoReplicas)))
                .as("the old primary's pod is gone from the status: its sessions are cut all the same")
                .contains(new int[] {7001, 25000});
    }

    @Test
    void rwNeverRoutesToTwoInstances() {
        assertThatThrownBy(() -> new KernelRoutes("pgset_t", 1, SERVICES, List.of(), List.of(25000, 25001), List.of()))
                .hasMessageContaining("one instance at most");
    }
}
