package io.pgset.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcFilesTest {

    private static final String HOST_PASSWD = """
            root:x:0:0:root:/root:/bin/bash
            postgres:x:101:104:PostgreSQL administrator:/var/lib/postgresql:/bin/bash
            journal:x:999:999::/:/usr/sbin/nologin
            """;

    @Test
    void passwdGivesTheImageUserItsUidInPlaceOfTheMachinesEntries() {
        String passwd = EtcFiles.passwd(HOST_PASSWD, "postgres", 999, 999, "/var/lib/postgresql");

        assertThat(passwd.lines()).containsExactly("root:x:0:0:root:/root:/bin/bash",
                "postgres:x:999:999::/var/lib/postgresql:/bin/sh");
    }

    @Test
    void groupReplacesEntriesOfTheSameNameOrGid() {
        String group = EtcFiles.group("root:x:0:\nsystemd-journal:x:999:\npostgres:x:104:\n", "postgres", 999);

        assertThat(group.lines()).containsExactly("root:x:0:", "postgres:x:999:");
    }

    @Test
    void hostsNamePodsAsTheHeadlessServiceDnsWould() {
        Map<String, EtcFiles.PodName> pods = new LinkedHashMap<>();
        pods.put("10.244.3.3", new EtcFiles.PodName("demo-1", "demo"));
        pods.put("10.244.3.2", new EtcFiles.PodName("demo-0", "demo"));
        pods.put("10.244.3.4", new EtcFiles.PodName("solo", null));

        assertThat(EtcFiles.hosts("ns", pods).lines()).containsSubsequence(
                "10.244.3.2\tdemo-0.demo.ns.svc.cluster.local demo-0.demo.ns.svc demo-0.demo.ns demo-0",
                "10.244.3.3\tdemo-1.demo.ns.svc.cluster.local demo-1.demo.ns.svc demo-1.demo.ns demo-1",
                "10.244.3.4\tsolo").first().asString().startsWith("127.0.0.1\tlocalhost");
    }
}
