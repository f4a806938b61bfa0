package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ClusterStatus.PodStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's HAProxy on this machine's real haproxy: small TCP servers stand in for the
 * instances, each answering a connection with its name. The kernel routes are not involved.
 */
class HaproxyServicesTest {

    private static final Pattern RELOADS = Pattern.compile("(?m)^\\d+\\s+master\\s+(\\d+)");

    @TempDir
    Path dir;

    private final List<ServerSocket> servers = new ArrayList<>();
    private ClusterHome home;

    @AfterEach
    void cleanUp() throws IOException {
        if (home != null) {
            HaproxyServices.stop(home);
        }
        for (ServerSocket server : servers) {
            server.close();
        }
    }

    @Test
    void instancesComeAndGoWithoutAReloadAndTheServicesFollowThem() throws Exception {
        ServerSocket zero = serve("demo-0");
        ServerSocket one = serve("demo-1");
        int rw = PortPicker.pick(dir);
        int ro = PortPicker.pick(dir);
        while (ro == rw) {
            ro = PortPicker.pick(dir);
        }
        Services services = new Services(rw, ro);
        home = new ClusterHome(dir.resolve("clusters/demo"), "demo");
        Files.createDirectories(home.dir());
        HaproxyServices haproxy = new HaproxyServices(home, services, serve("refusal").getLocalPort());
        ClusterSpec spec = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n"
                + "spec: {instances: 2}\n");

        haproxy.update(status(pod("demo-0", "primary", zero)), spec);
        assertThat(greeting(services.rw())).isEqualTo("demo-0");
        assertThat(greeting(services.ro())).as("ro on the primary while there is no replica").isEqualTo("demo-0");
        String reloads = reloads();

        haproxy.update(status(pod("demo-0", "primary", zero), pod("demo-1", "replica", one)), spec);
        assertThat(greeting(services.ro())).as("the new instance, added at run time").isEqualTo("demo-1");
        assertThat(greeting(services.rw())).isEqualTo("demo-0");
        assertThat(Files.readString(home.dir().resolve("haproxy/haproxy.cfg"))).as("kept for the next start")
                .contains("server demo-1 127.0.0.1:" + one.getLocalPort());

        haproxy.update(status(pod("demo-0", "primary", zero)), spec);
        assertThat(greeting(services.ro())).as("demo-1 deleted: ro back on the primary").isEqualTo("demo-0");
        haproxy.update(status(pod("demo-0", "primary", zero), pod("demo-1", "replica", one)), spec);
        assertThat(greeting(services.ro())).as("added again under the same name").isEqualTo("demo-1");
        assertThat(reloads()).as("no reload for any of it").isEqualTo(reloads);
    }

    private String reloads() throws IOException {
        Matcher m = RELOADS.matcher(new HaproxyProcess(home).cli().send("show proc"));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static ClusterStatus status(PodStatus... pods) {
        return new ClusterStatus("demo", Phase.HEALTHY, "demo-0", pods.length, pods.length, List.of(pods), List.of(),
                Map.of(), "", "v1", null, List.of());
    }

    private static PodStatus pod(String name, String role, ServerSocket server) {
        int ordinal = Integer.parseInt(name.substring(name.indexOf('-') + 1));
        return new PodStatus(name, ordinal, role, true, Ports.LOOPBACK, server.getLocalPort(), 1, 1, "0/3000000", 0, 0,
                "data-" + name, 0, "", List.of(), "", InstanceStatus.Storage.UNKNOWN);
    }

    private static String greeting(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName(Ports.LOOPBACK), port)) {
            s.setSoTimeout(3000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    /** Answers each connection with its name, and closes it. */
    private ServerSocket serve(String name) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(Ports.LOOPBACK));
        servers.add(server);
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    client.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return;
                }
            }
        }, "serve-" + name);
        accept.setDaemon(true);
        accept.start();
        return server;
    }
}
