package io.pgset.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DashboardRequestsTest {

    @Test
    void onlyTheLoopbackAddressOrLocalhostWithThisPortIsThisServer() {
        assertThat(DashboardRequests.loopbackHost("127.0.0.1:8123", 8123)).isTrue();
        assertThat(DashboardRequests.loopbackHost("localhost:8123", 8123)).isTrue();
        assertThat(DashboardRequests.loopbackHost("evil.example:8123", 8123)).isFalse();
        assertThat(DashboardRequests.loopbackHost("127.0.0.1:9000", 8123)).isFalse();
        assertThat(DashboardRequests.loopbackHost("127.0.0.1", 8123)).isFalse();
        assertThat(DashboardRequests.loopbackHost(null, 8123)).isFalse();
    }

    @Test
    void anEventIsOneDataLineAndABlankLine() {
        assertThat(new String(DashboardRequests.event("{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("data: {\"a\":1}\n\n");
    }
}
