package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ClusterStatus.PodStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel routes on this machine's real nftables and conntrack (the tests run as root, as
 * postgres's user switch needs anyway): small TCP servers stand in for the instances and for
 * HAProxy, each answering every connection with its name and then echoing.
 */
class KernelServicesTest {

    @TempDir
    Path dir;

    private final List<Named> servers = new ArrayList<>();
    private ClusterHome home;

    @AfterEach
    void cleanUp() throws IOException {
        if (home != null) {
            KernelServices.stop(home);
        }
        for (Named server : servers) {
            server.close();
        }
    }

    @Test
    void rwAndRoReachTheInstancesAndAMoveCutsTheSessionsOfTheInstanceLeft() throws Exception {
        Named haproxy = serve("haproxy");
        Named haproxyRo = serve("haproxy-ro");
        Named zero = serve("demo-0");
        Named one = serve("demo-1");
        Services services = new Services(haproxy.port(), haproxyRo.port());
        home = new ClusterHome(dir.resolve("clusters/demo"), "demo");
        KernelServices kernel = new KernelServices(home, services, "");
        assertThat(kernel.off()).as("the machine's nft and conntrack").isEmpty();
        ClusterSpec spec = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n"
                + "spec: {instances: 2}\n");
        long self = ProcessHandle.current().pid();

        kernel.update(status("demo-0", pod("demo-0", "primary", zero), pod("demo-1", "replica", one)), spec, self);
        assertThat(greeting(services.rw())).isEqualTo("demo-0");
        assertThat(greeting(services.ro())).isEqualTo("demo-1");

        try (Socket session = new Socket(InetAddress.getByName(Ports.LOOPBACK), services.rw());
             Socket waiting = new Socket(InetAddress.getByName(Ports.LOOPBACK), services.rw())) {
            session.setSoTimeout(3000);
            assertThat(read(session.getInputStream())).isEqualTo("demo-0");
            echo(session, "before");
            // A client that waits for an answer (a query running) sends nothing that could tell it.
            waiting.setSoTimeout(30_000);
            assertThat(read(waiting.getInputStream())).isEqualTo("demo-0");
            var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return "answered " + waiting.getInputStream().read();
                } catch (IOException e) {
                    return e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            });

            // demo-0 is alive but no longer rw's: its routed session must not carry one more byte.
            kernel.update(status("demo-1", pod("demo-0", "replica", zero), pod("demo-1", "primary", one)), spec, self);
            assertThat(greeting(services.rw())).as("a new session").isEqualTo("demo-1");
            assertThatThrownBy(() -> echo(session, "after")).as("the old session, ended")
                    .isInstanceOf(IOException.class).hasMessageMatching(".*(reset|abort).*");
            assertThat(answer.get()).as("the waiting client learns at once, not at its read timeout")
                    .isEqualTo("SocketException: Software caused connection abort");
            assertThat(established(zero.port())).as("demo-0's ends of both sessions are gone too").isEmpty();
        }
        assertThat(zero.received()).as("demo-0 got nothing after the move").isEqualTo("before");

        kernel.update(status(null, pod("demo-0", "replica", zero), pod("demo-1", "replica", one)), spec, self);
        assertThat(greeting(services.rw())).as("no primary: HAProxy's listener answers").isEqualTo("haproxy");

        kernel.update(status("demo-1", pod("demo-0", "replica", zero), pod("demo-1", "primary", one)), spec, -1);
        assertThat(greeting(services.rw())).as("no HAProxy: no route").isEqualTo("haproxy");
    }

    @Test
    void aTableWhoseHaproxyIsGoneIsSweptAndDownRemovesOne() throws Exception {
        Named haproxy = serve("haproxy");
        Named zero = serve("demo-0");
        Services services = new Services(haproxy.port(), serve("haproxy-ro").port());
        home = new ClusterHome(dir.resolve("clusters/demo"), "demo");
        ClusterSpec spec = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n"
                + "spec: {instances: 1}\n");
        String table = KernelServices.tableName(home.dir());
        KernelServices kernel = new KernelServices(home, services, "");
        kernel.update(status("demo-0", pod("demo-0", "primary", zero)), spec, ProcessHandle.current().pid());
        assertThat(greeting(services.rw())).isEqualTo("demo-0");

        KernelServices.sweep(); // this JVM is not a HAProxy of that folder
        assertThat(Nftables.tables(KernelServices.PREFIX)).doesNotContain(table);
        assertThat(greeting(services.rw())).isEqualTo("haproxy");

        kernel = new KernelServices(home, services, "");
        kernel.update(status("demo-0", pod("demo-0", "primary", zero)), spec, ProcessHandle.current().pid());
        assertThat(Nftables.tables(KernelServices.PREFIX)).contains(table);
        KernelServices.stop(home);
        assertThat(Nftables.tables(KernelServices.PREFIX)).doesNotContain(table);
    }

    @Test
    void offLeavesTheServicesToHaproxy() throws Exception {
        Named haproxy = serve("haproxy");
        Named zero = serve("demo-0");
        home = new ClusterHome(dir.resolve("clusters/demo"), "demo");
        KernelServices kernel = new KernelServices(home, new Services(haproxy.port(), serve("ro").port()), "off");
        assertThat(kernel.off()).contains("PGSET_KERNEL_SERVICES=off");
        kernel.update(status("demo-0", pod("demo-0", "primary", zero)), SpecReader.defaults("demo"),
                ProcessHandle.current().pid());
        assertThat(greeting(haproxy.port())).isEqualTo("haproxy");
    }

    @Test
    void theSettingIsOnOffOrUnsetAndAnythingElseIsRefusedBeforeUpStartsAnything() {
        for (String fine : List.of("", "on", "off", "OFF")) {
            Preflight.kernelServicesSetting(fine);
        }
        assertThatThrownBy(() -> Preflight.kernelServicesSetting("no")).isInstanceOf(PgsetException.class)
                .hasMessage("PGSET_KERNEL_SERVICES=no is neither on nor off: leave it unset or set it to on (the kernel"
                        + " routes rw and ro where pgset may change the firewall) or off (HAProxy serves them alone)");
    }

    private static ClusterStatus status(String primary, PodStatus... pods) {
        return new ClusterStatus("demo", Phase.HEALTHY, primary, pods.length, pods.length, List.of(pods), List.of(),
                Map.of(), "", "v1", null, List.of());
    }

    private static PodStatus pod(String name, String role, Named server) {
        int ordinal = Integer.parseInt(name.substring(name.indexOf('-') + 1));
        return new PodStatus(name, ordinal, role, true, Ports.LOOPBACK, server.port(), 1, 1, "0/3000000", 0, 0,
                "data-" + name, 0, "", List.of(), "", InstanceStatus.Storage.UNKNOWN);
    }

    /** The established TCP sockets on this local port, as ss lists them. */
    private static String established(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder(Nftables.program("ss").orElseThrow().toString(), "-t", "-n", "-H", "state",
                "established", "( sport = :" + port + " )").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor()).as(out).isZero();
        return out.strip();
    }

    private static String greeting(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName(Ports.LOOPBACK), port)) {
            s.setSoTimeout(3000);
            return read(s.getInputStream());
        }
    }

    private static void echo(Socket session, String text) throws IOException {
        session.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
        session.getOutputStream().flush();
        assertThat(read(session.getInputStream())).isEqualTo(text);
    }

    private static String read(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            line.append((char) c);
        }
        return line.toString();
    }

    private Named serve(String name) throws IOException {
        Named server = new Named(name, new ServerSocket(0, 50, InetAddress.getByName(Ports.LOOPBACK)));
        servers.add(server);
        Thread accept = new Thread(server::run, "serve-" + name);
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    /** Answers each connection with its name, then echoes each line and keeps what it received. */
    private record Named(String name, ServerSocket socket, StringBuffer lines) {
        Named(String name, ServerSocket socket) {
            this(name, socket, new StringBuffer());
        }

        int port() {
            return socket.getLocalPort();
        }

        String received() {
            return lines.toString().strip();
        }

        void run() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread t = new Thread(() -> session(client));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void session(Socket client) {
            try (client) {
                client.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                while (true) {
                    String line = read(client.getInputStream());
                    lines.append(line).append('\n');
                    client.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the client went, or was cut
            }
        }

        void close() throws IOException {
            socket.close();
        }
    }
}
