package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new controller removes the sockets killed controllers left, under either name, and no instance's. */
class StaleApiSocketsTest {

    @TempDir
    Path pgsetHome;

    @Test
    void onlyTheSocketsOfKilledControllersAreRemoved() throws Exception {
        ClusterHome home = ClusterHome.of(pgsetHome, "demo");
        Files.createDirectories(home.pod("demo-0"));
        Files.writeString(home.podPorts("demo-0"), "{\"postgres\": 40100, \"api\": 40001}");
        Files.createDirectories(home.pod("demo-1"));
        Files.writeString(home.podPorts("demo-1"), "{\"postgres\": 40101, \"api\": 40002}");
        Path dir = Files.createDirectories(home.apiSockets().dir());
        for (int port : new int[] {40001, 40002, 40003, 40004, 40005}) {
            leftSocket(home.apiSockets().path(port));
        }
        leftSocket(dir.resolve(".40006")); // a controller killed between binding its socket and naming it
        leftSocket(dir.resolve(".40001")); // demo-0's, killed likewise: its next start replaces it
        Files.writeString(dir.resolve("notes"), "not a socket of pgset's");

        assertThat(StaleApiSockets.remove(home, 40005)).containsExactlyInAnyOrder(home.apiSockets().path(40003),
                home.apiSockets().path(40004), dir.resolve(".40006"));

        assertThat(home.apiSockets().path(40001)).as("demo-0's, which its next start replaces").exists();
        assertThat(home.apiSockets().path(40002)).as("demo-1's").exists();
        assertThat(home.apiSockets().path(40005)).as("the new controller's own").exists();
        assertThat(dir.resolve(".40001")).exists();
        assertThat(dir.resolve("notes")).exists();
    }

    @Test
    void aClusterWithoutSocketsHasNothingToRemove() throws Exception {
        assertThat(StaleApiSockets.remove(ClusterHome.of(pgsetHome, "demo"), 40005)).isEmpty();
    }

    /** A socket file whose server is gone, as a killed process leaves it. */
    private static void leftSocket(Path path) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
        }
    }
}
