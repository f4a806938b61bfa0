package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HbaRendererTest {

    private static final List<String> PEERS = List.of("127.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32");
    private static final ClusterSpec SPEC = PostgresConfRendererTest.spec("""
            network: {allow: ["10.1.0.0/16", "127.0.0.1/32", "fd00::/8"]}
            """);

    record Rule(String type, String database, String user, String address, String method) {}

    @Test
    void withTlsEveryRuleIsHostsslClientsGiveAScramPasswordAndReplicasACertificate() {
        String hba = HbaRenderer.render(SPEC, PEERS);

        assertThat(rules(hba)).extracting(Rule::type).containsOnly("hostssl");
        assertThat(rules(hba)).filteredOn(r -> r.database().equals("replication"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.method()).isEqualTo("cert"));
        assertThat(rules(hba)).filteredOn(r -> !r.database().equals("replication"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.method()).isEqualTo("scram-sha-256"));
        assertThat(hba).doesNotContain("trust", "peer", "md5", "password");
    }

    @Test
    void theInstancesSocketAdmitsOnlyTheSuperuserWithItsScramPassword() {
        List<Rule> rules = rules(HbaRenderer.render(SPEC, PEERS, true));

        assertThat(rules).filteredOn(r -> r.type().equals("local"))
                .containsExactly(new Rule("local", "all", "postgres", "", "scram-sha-256"));
        assertThat(rules).filteredOn(r -> !r.type().equals("local")).isEqualTo(rules(HbaRenderer.render(SPEC, PEERS)));
        assertThat(HbaRenderer.render(SPEC, PEERS)).as("without a socket").doesNotContain("local");
    }

    @Test
    void withoutTlsEveryRuleDemandsScram() {
        ClusterSpec plain = PostgresConfRendererTest.spec("""
                tls: {enabled: false}
                network: {allow: ["10.1.0.0/16"]}
                """);
        String hba = HbaRenderer.render(plain, PEERS);

        assertThat(rules(hba)).isNotEmpty()
                .allSatisfy(rule -> assertThat(rule.method()).isEqualTo("scram-sha-256"));
        assertThat(rules(hba)).extracting(Rule::type).containsOnly("host");
        assertThat(hba).doesNotContain("trust", "peer", "md5", "password");
    }

    @Test
    void replicationIsAdmittedOnlyFromPeersAsTheReplicationRole() {
        List<Rule> replication = rules(HbaRenderer.render(SPEC, PEERS)).stream()
                .filter(r -> r.database().equals("replication")).toList();

        assertThat(replication).extracting(Rule::address).containsExactlyElementsOf(PEERS);
        assertThat(replication).extracting(Rule::user).containsOnly(HbaRenderer.REPLICATION_USER);
    }

    @Test
    void clientsAreAdmittedFromPeersAndAllowedNetworksOnceEach() {
        List<Rule> clients = rules(HbaRenderer.render(SPEC, PEERS)).stream()
                .filter(r -> !r.database().equals("replication")).toList();

        assertThat(clients).extracting(Rule::address).containsExactlyInAnyOrder(
                "127.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32", "10.1.0.0/16", "fd00::/8");
        assertThat(clients).extracting(Rule::database, Rule::user)
                .allSatisfy(t -> assertThat(t.toList()).containsExactly("all", "all"));
    }

    @Test
    void repeatedPeersGiveOneRuleEach() {
        List<Rule> rules = rules(HbaRenderer.render(SpecReader.defaults("demo"),
                List.of("127.0.0.1/32", "127.0.0.1/32", "10.0.0.2/32")));

        assertThat(rules).doesNotHaveDuplicates();
        assertThat(rules).filteredOn(r -> r.database().equals("replication")).extracting(Rule::address)
                .containsExactly("127.0.0.1/32", "10.0.0.2/32");
    }

    @Test
    void withoutPeersOnlyAllowedNetworksGetIn() {
        List<Rule> rules = rules(HbaRenderer.render(SPEC, List.of()));

        assertThat(rules).noneMatch(r -> r.database().equals("replication"));
        assertThat(rules).extracting(Rule::address)
                .containsExactlyInAnyOrder("10.1.0.0/16", "127.0.0.1/32", "fd00::/8");
    }

    /** A pod's peers: any address, since pod addresses change with every recreation. */
    private static final List<String> ANY = List.of("0.0.0.0/0", "::/0");

    @Test
    void inAPodWithoutNetworkAllowEveryAddressMayTryAPasswordAndTheNetworkPolicyConfinesThem() {
        List<Rule> rules = rules(HbaRenderer.render(SpecReader.defaults("demo"), ANY));

        assertThat(rules).filteredOn(r -> !r.database().equals("replication"))
                .extracting(Rule::user, Rule::address, Rule::method)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("all", "0.0.0.0/0", "scram-sha-256"),
                        org.assertj.core.groups.Tuple.tuple("all", "::/0", "scram-sha-256"));
    }

    @Test
    void inAPodNetworkAllowNarrowsApplicationRolesAndPeersKeepOnlyPgsetsOwnRoles() {
        List<Rule> rules = rules(HbaRenderer.render(SPEC, ANY));

        assertThat(rules).filteredOn(r -> r.database().equals("replication")).extracting(Rule::user, Rule::address)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(HbaRenderer.REPLICATION_USER, "0.0.0.0/0"),
                        org.assertj.core.groups.Tuple.tuple(HbaRenderer.REPLICATION_USER, "::/0"));
        assertThat(rules).filteredOn(r -> !r.database().equals("replication"))
                .extracting(Rule::user, Rule::address)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("postgres", "0.0.0.0/0"),
                        org.assertj.core.groups.Tuple.tuple("postgres", "::/0"),
                        org.assertj.core.groups.Tuple.tuple("all", "10.1.0.0/16"),
                        org.assertj.core.groups.Tuple.tuple("all", "127.0.0.1/32"),
                        org.assertj.core.groups.Tuple.tuple("all", "fd00::/8"));
    }

    @Test
    void locallyALeftOutNetworkAllowMeansTheLoopbackAddress() {
        List<Rule> rules = rules(HbaRenderer.render(SpecReader.defaults("demo"), List.of("127.0.0.1/32")));

        assertThat(rules).filteredOn(r -> !r.database().equals("replication")).extracting(Rule::user, Rule::address)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("all", "127.0.0.1/32"));
    }

    static List<Rule> rules(String hba) {
        return Arrays.stream(hba.split("\n"))
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.trim().split("\\s+"))
                .peek(fields -> assertThat(fields).as("hba line %s", String.join(" ", fields))
                        .hasSize(fields[0].equals("local") ? 4 : 5))
                .map(f -> f[0].equals("local") ? new Rule(f[0], f[1], f[2], "", f[3])
                        : new Rule(f[0], f[1], f[2], f[3], f[4]))
                .toList();
    }
}
