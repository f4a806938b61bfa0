package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ServiceRefusalsTest {

    @Test
    void aProxyHeaderNamesTheClientAndTheServicePortItCalled() throws Exception {
        assertThat(ServiceRefusals.parse("PROXY TCP4 127.0.0.2 127.0.0.1 40000 21000\r\n")).hasValue(
                new ServiceRefusals.Origin(InetAddress.getByName("127.0.0.2"), 21000));
        assertThat(ServiceRefusals.parse("PROXY TCP6 fd00::1 ::1 40000 21001\r\n").orElseThrow().servicePort())
                .isEqualTo(21001);
    }

    @Test
    void anythingElseIsNoHeader() {
        assertThat(ServiceRefusals.parse("PROXY UNKNOWN\r\n")).isEmpty();
        assertThat(ServiceRefusals.parse("PROXY TCP4 example.org 127.0.0.1 40000 21000\r\n")).isEmpty();
        assertThat(ServiceRefusals.parse("PROXY TCP4 127.0.0.2 127.0.0.1 40000 port\r\n")).isEmpty();
        assertThat(ServiceRefusals.parse("")).isEmpty();
    }
}
