package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HaproxyConfigTest {

    private static final HaproxyConfig CONFIG = new HaproxyConfig("demo", new Services(21000, 21001), 21002,
            List.of("127.0.0.1/32", "fd00::/8"), List.of(new HaproxyConfig.Server("demo-0", "127.0.0.1", 22000),
            new HaproxyConfig.Server("demo-1", "127.0.0.1", 22001)), false);

    @Test
    void eachServiceListensOnItsKeptPortAndSendsClientsOutsideTheAllowListToTheRefusalListener() {
        String cfg = CONFIG.render(new ServiceRouting(Set.of("demo-0"), Set.of("demo-1")));
        assertThat(cfg).contains("""
                frontend rw
                    bind 127.0.0.1:21000
                    acl allowed src 127.0.0.1/32 fd00::/8
                    use_backend refused if !allowed
                    default_backend rw
                """, """
                frontend ro
                    bind 127.0.0.1:21001
                """, """
                backend refused
                    server refusal 127.0.0.1:21002 send-proxy
                """).contains("mode tcp", "retries 0");
    }

    @Test
    void serversTheRoutingLeavesOutStartDisabled() {
        String cfg = CONFIG.render(new ServiceRouting(Set.of("demo-0"), Set.of("demo-1")));
        assertThat(cfg).contains("""
                backend rw
                    balance first
                    server demo-0 127.0.0.1:22000
                    server demo-1 127.0.0.1:22001 disabled
                """, """
                backend ro
                    balance roundrobin
                    server demo-0 127.0.0.1:22000 disabled
                    server demo-1 127.0.0.1:22001
                """);
    }

    @Test
    void anEmptyAllowListRefusesEveryone() {
        HaproxyConfig closed = new HaproxyConfig("demo", new Services(21000, 21001), 21002, List.of(), CONFIG.servers(), false);
        assertThat(closed.render(new ServiceRouting(Set.of(), Set.of()))).contains("""
                frontend rw
                    bind 127.0.0.1:21000
                    default_backend refused
                """).doesNotContain("acl allowed");
    }

    @Test
    void theLayoutIgnoresServerStatesButNotServersPortsOrTheAllowList() {
        String a = CONFIG.render(new ServiceRouting(Set.of("demo-0"), Set.of("demo-1")));
        String b = CONFIG.render(new ServiceRouting(Set.of("demo-1"), Set.of("demo-0")));
        assertThat(a).isNotEqualTo(b);
        assertThat(HaproxyConfig.layout(a)).isEqualTo(HaproxyConfig.layout(b));
        HaproxyConfig moreServers = new HaproxyConfig("demo", CONFIG.services(), 21002, CONFIG.allow(),
                List.of(CONFIG.servers().get(0)), false);
        HaproxyConfig otherAllow = new HaproxyConfig("demo", CONFIG.services(), 21002, List.of("10.0.0.0/8"),
                CONFIG.servers(), false);
        ServiceRouting routing = new ServiceRouting(Set.of("demo-0"), Set.of("demo-1"));
        assertThat(HaproxyConfig.layout(moreServers.render(routing))).isNotEqualTo(HaproxyConfig.layout(a));
        assertThat(HaproxyConfig.layout(otherAllow.render(routing))).isNotEqualTo(HaproxyConfig.layout(a));
        assertThat(HaproxyConfig.frame(moreServers.render(routing))).as("instances change at run time")
                .isEqualTo(HaproxyConfig.frame(a));
        assertThat(HaproxyConfig.frame(otherAllow.render(routing))).as("the allow-list takes a reload")
                .isNotEqualTo(HaproxyConfig.frame(a));
        assertThat(HaproxyConfig.serversOf(a)).as("the refusal server is not an instance")
                .containsExactlyElementsOf(CONFIG.servers());
    }

    @Test
    void serverChangesDeleteWhatIsGoneAndAddWhatIsNewToBothBackends() {
        HaproxyConfig.Server zero = new HaproxyConfig.Server("demo-0", "127.0.0.1", 25000);
        HaproxyConfig.Server one = new HaproxyConfig.Server("demo-1", "127.0.0.1", 25001);
        HaproxyConfig.Server oneMoved = new HaproxyConfig.Server("demo-1", "127.0.0.1", 25009);
        ServerChanges changes = ServerChanges.between(Set.of(zero, one), List.of(zero, oneMoved));
        assertThat(changes.delete()).containsExactly(List.of(
                "set server rw/demo-1 state maint", "shutdown sessions server rw/demo-1", "del server rw/demo-1",
                "set server ro/demo-1 state maint", "shutdown sessions server ro/demo-1", "del server ro/demo-1"));
        assertThat(changes.add()).containsExactly("add server rw/demo-1 127.0.0.1:25009 disabled",
                "add server ro/demo-1 127.0.0.1:25009 disabled");
        assertThat(changes.after(new ServiceRouting(Set.of("demo-0"), Set.of("demo-1"))))
                .as("a server added again starts disabled, whatever routed to its name before")
                .isEqualTo(new ServiceRouting(Set.of("demo-0"), Set.of()));
        assertThat(ServerChanges.between(Set.of(zero), List.of(zero)).add()).isEmpty();
    }

    @Test
    void startedByRootItsWorkersRunAsNobody() {
        ServiceRouting routing = new ServiceRouting(Set.of("demo-0"), Set.of("demo-1"));
        HaproxyConfig asRoot = new HaproxyConfig("demo", CONFIG.services(), 21002, CONFIG.allow(), CONFIG.servers(), true);
        assertThat(asRoot.render(routing)).contains("global\n    maxconn 4096\n    uid 65534\n    gid 65534\n\n");
        assertThat(CONFIG.render(routing)).doesNotContain("uid", "gid");
    }
}
