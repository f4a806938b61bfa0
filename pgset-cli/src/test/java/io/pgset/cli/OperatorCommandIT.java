package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `pgset operator` refuses to start, and says what to do, when it has no API server to talk to. */
class OperatorCommandIT extends PerTestHome {

    @Test
    void anUnreachableApiServerIsNamedWithWhatToDo() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        Path kubeconfig = home.dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.formatted(port));
        PgsetHome.Result r = home.pgset("operator", "--kubeconfig", kubeconfig.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the Kubernetes API server at https://127.0.0.1:" + port,
                "--kubeconfig");
    }

    @Test
    void aMissingKubeconfigIsNamed() {
        PgsetHome.Result r = home.pgset("operator", "--kubeconfig", home.dir.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot read the kubeconfig", "nope");
    }

    @Test
    void aMetricsPortThatIsNoPortIsRefusedBeforeAnythingStarts() {
        PgsetHome.Result r = home.pgset("operator", "--metrics-port", "70000", "--kubeconfig",
                home.dir.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--metrics-port must be a TCP port (1-65535), or 0 to serve no metrics; got 70000");
    }
}
