package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SessionCutTest {

    @Test
    void theClientPortsAreTheOriginalSourcePortsOfFlowsToTheService() {
        String listing = """
                tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=41234 dport=7001 src=127.0.0.1 \
                dst=127.0.0.1 sport=25000 dport=41234 [ASSURED] mark=0 use=1
                tcp      6 86399 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=40001 dport=7001 src=127.0.0.1 \
                dst=127.0.0.1 sport=25000 dport=40001 [ASSURED] mark=0 use=1
                tcp      6 86399 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=40002 dport=7002 src=127.0.0.1 \
                dst=127.0.0.1 sport=25000 dport=40002 [ASSURED] mark=0 use=1
                conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
                """;
        assertThat(SessionCut.clientPorts(listing, 7001)).containsExactly(40001, 41234);
        assertThat(SessionCut.clientPorts("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n",
                7001)).isEmpty();
    }

    @Test
    void bothEndsOfEachSessionAreSelected() {
        assertThat(SessionCut.socketFilters(7001, 25000, List.of(40001, 41234))).containsExactly(
                "( dst 127.0.0.1 and dport = :7001 and ( sport = :40001 or sport = :41234 ) )"
                        + " or ( src 127.0.0.1 and sport = :25000 and ( dport = :40001 or dport = :41234 ) )");
    }

    @Test
    void noClientsNoFilterAndManyClientsSeveral() {
        assertThat(SessionCut.socketFilters(7001, 25000, List.of())).isEmpty();
        List<Integer> many = IntStream.range(30000, 30000 + SessionCut.PER_FILTER + 1).boxed().toList();
        List<String> filters = SessionCut.socketFilters(7001, 25000, many);
        assertThat(filters).hasSize(2);
        assertThat(filters.get(1)).contains("sport = :" + (30000 + SessionCut.PER_FILTER)).doesNotContain(":30000 ");
    }
}
