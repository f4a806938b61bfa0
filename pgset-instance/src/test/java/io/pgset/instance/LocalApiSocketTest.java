package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.tls.CertificateAuthority;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real API server serving its routes on a local socket as well, called by the real client: the
 * same answers as over TLS, no TLS at all on the socket, and TCP whenever there is no socket to use.
 */
class LocalApiSocketTest {

    private static final String TOKEN = "test-token";
    /** For a client that must never touch TLS: it fails the call that would. */
    private static final Supplier<SSLContext> NO_TLS = () -> {
        throw new AssertionError("TLS was used although the local socket serves");
    };

    @TempDir
    Path dir;

    private CertificateAuthority ca;
    private LocalApiSockets sockets;
    private ApiServer server;
    private final AtomicReference<InstanceOptions.Endpoint> followed = new AtomicReference<>();
    private final AtomicInteger statusCalls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    /** Released each time a /promote reaches its handler. */
    private final java.util.concurrent.Semaphore promoting = new java.util.concurrent.Semaphore(0);

    @BeforeEach
    void serve() throws Exception {
        ca = CertificateAuthority.create("test", Instant.now());
        sockets = new LocalApiSockets(dir.resolve("sockets"));
        server = server(sockets);
        server.start();
    }

    private ApiServer server(LocalApiSockets where) throws IOException {
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        ApiServer api = new ApiServer("127.0.0.1", 0, TOKEN, "test", tls.context()).serveLocally(where);
        api.secured("POST", "/follow", body -> {
            followed.set(RequestBodies.endpoint(body));
            return ApiServer.Response.json(Map.of("following", followed.get().toString()));
        }).secured("GET", "/status", body -> {
            statusCalls.incrementAndGet();
            return ApiServer.Response.json(io.pgset.core.model.InstanceStatus.unreachable("test-0", "fine"));
        }).secured("POST", "/promote", body -> {
            promoting.release();
            release.await(10, TimeUnit.SECONDS);
            return ApiServer.Response.json(Map.of("promoted", true));
        }).open("GET", "/readyz", body -> ApiServer.Response.probe(true, ""));
        return api;
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    private SSLContext trust() {
        try {
            Path caFile = dir.resolve("ca.crt");
            Files.writeString(caFile, ca.certificatePem());
            return ApiTls.client(caFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theSocketServesTheSameRoutesWithoutTls() throws Exception {
        InstanceHttpClient client = new InstanceHttpClient(new ApiConnections(TOKEN, NO_TLS, Optional.of(sockets)));

        assertThat(server.servesLocally()).isTrue();
        assertThat(Files.readAttributes(sockets.path(server.port()), "unix:mode")).isNotNull();
        client.follow("127.0.0.1", server.port(), "10.0.0.7", 5432);
        assertThat(followed.get()).isEqualTo(new InstanceOptions.Endpoint("10.0.0.7", 5432));
        assertThat(client.status("test-0", "127.0.0.1", server.port()).message()).isEqualTo("fine");
        assertThatThrownBy(() -> client.follow("127.0.0.1", server.port(), "10.0.0.7", 0))
                .isInstanceOf(IOException.class)
                .hasMessage("POST /follow answered 400: port: an integer 1-65535, got 0");
    }

    @Test
    void onlyTheOwnerMayEnterTheDirectoryOrUseTheSocket() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sockets.dir()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sockets.path(server.port()))))
                .isEqualTo("rw-------");
    }

    @Test
    void theTokenIsStillRequired() {
        ApiConnections wrong = new ApiConnections("not-the-token", NO_TLS, Optional.of(sockets));

        assertThatThrownBy(() -> new InstanceHttpClient(wrong).follow("127.0.0.1", server.port(), "10.0.0.7", 5432))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("answered 401");
        assertThat(followed.get()).isNull();
    }

    @Test
    void pollsGoOnOneKeptConnection() throws Exception {
        ApiConnections connections = new ApiConnections(TOKEN, NO_TLS, Optional.of(sockets));
        for (int i = 0; i < 5; i++) {
            assertThat(connections.send("GET", "127.0.0.1", server.port(), "/status", new byte[0],
                    Duration.ofSeconds(3)).status()).isEqualTo(200);
        }

        assertThat(statusCalls.get()).isEqualTo(5);
        assertThat(connectedClients()).isEqualTo(1);
    }

    /** Clients connected to the test's socket now, as the kernel counts them. */
    private long connectedClients() throws IOException {
        // every connection accepted on the socket has a peer; /proc/net/unix lists the server's side
        // of each with the path the socket was bound at (its private one: the kernel keeps the name
        // given to bind, not the one it was renamed to), and the listening socket with it too
        String path = UnixApiServer.privatePath(sockets.path(server.port())).toString();
        return Files.readAllLines(Path.of("/proc/net/unix")).stream().filter(l -> l.endsWith(" " + path)).count() - 1;
    }

    @Test
    void withoutASocketTheCallGoesOverTls() throws Exception {
        LocalApiSockets elsewhere = new LocalApiSockets(dir.resolve("no-sockets-here"));
        ApiConnections connections = new ApiConnections(TOKEN, this::trust, Optional.of(elsewhere));

        assertThat(connections.send("GET", "127.0.0.1", server.port(), "/status", new byte[0], Duration.ofSeconds(3))
                .status()).isEqualTo(200);
        assertThat(connectedClients()).isZero();
    }

    @Test
    void aSocketFileWhoseServerStoppedSendsTheCallOverTls() throws Exception {
        Path stale = dir.resolve("stale");
        LocalApiSockets staleSockets = new LocalApiSockets(stale);
        Files.createDirectories(stale);
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(staleSockets.path(server.port())));
        } // closed: the file stays, nothing listens
        ApiConnections connections = new ApiConnections(TOKEN, this::trust, Optional.of(staleSockets));

        assertThat(connections.send("POST", "127.0.0.1", server.port(), "/follow",
                "{\"host\":\"10.0.0.8\",\"port\":5432}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(3))
                .status()).isEqualTo(200);
        assertThat(followed.get()).isEqualTo(new InstanceOptions.Endpoint("10.0.0.8", 5432));
    }

    @Test
    void aNewServerReplacesASocketFileLeftByAStoppedOne() throws Exception {
        int port = ScratchPostgres.freePort();
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(sockets.path(port)));
        } // closed: the file stays, nothing listens
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        ApiServer again = new ApiServer("127.0.0.1", port, TOKEN, "again", tls.context()).serveLocally(sockets);
        again.open("GET", "/readyz", body -> ApiServer.Response.probe(true, ""));
        try {
            again.start();
            assertThat(again.servesLocally()).isTrue();
            assertThat(new ApiConnections(TOKEN, NO_TLS, Optional.of(sockets)).send("GET", "127.0.0.1", port,
                    "/readyz", new byte[0], Duration.ofSeconds(3)).status()).isEqualTo(200);
        } finally {
            again.close();
        }
    }

    @Test
    void anInstancesSocketIsThereBeforeItsPortIsBound() throws Exception {
        // The controller polls a pod it has just started: a call that reached the TCP port while the
        // socket was not there yet went over TLS. Seen here: with the port held by someone else the
        // bind fails, and the socket must have had its name already (and be removed again).
        Path dir = Files.createDirectories(sockets.dir());
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.nio.file.WatchService watch = dir.getFileSystem().newWatchService()) {
            int port = taken.getLocalPort();
            dir.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
            ApiServer instance = new ApiServer("127.0.0.1", port, TOKEN, "instance", tls.context()).serveLocally(sockets);

            assertThatThrownBy(instance::start).isInstanceOf(java.net.BindException.class);

            List<String> created = new java.util.ArrayList<>();
            for (var key = watch.poll(5, TimeUnit.SECONDS); key != null; key = watch.poll(100, TimeUnit.MILLISECONDS)) {
                key.pollEvents().forEach(e -> created.add(e.context().toString()));
                key.reset();
            }
            assertThat(created).contains(Integer.toString(port));
            assertThat(sockets.path(port)).doesNotExist();
            assertThat(UnixApiServer.privatePath(sockets.path(port))).doesNotExist();
        }
    }

    @Test
    void aServerStillListeningKeepsItsSocketWhenAnotherTriesItsPort() throws Exception {
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        ApiServer second = new ApiServer("127.0.0.1", server.port(), TOKEN, "second", tls.context()).serveLocally(sockets);

        assertThatThrownBy(second::start).isInstanceOf(java.net.BindException.class);

        assertThat(new ApiConnections(TOKEN, NO_TLS, Optional.of(sockets)).send("GET", "127.0.0.1", server.port(),
                "/readyz", new byte[0], Duration.ofSeconds(3)).status()).isEqualTo(200);
        assertThat(UnixApiServer.privatePath(sockets.path(server.port()))).doesNotExist();
    }

    @Test
    void aPathTooLongForASocketLeavesTcpServingAndCallersUseIt() throws Exception {
        Path deep = dir.resolve("d".repeat(60)).resolve("e".repeat(60));
        ApiServer tcpOnly = server(new LocalApiSockets(deep));
        try {
            tcpOnly.start();
            assertThat(tcpOnly.servesLocally()).isFalse();
            ApiConnections connections = new ApiConnections(TOKEN, this::trust, Optional.of(new LocalApiSockets(deep)));
            assertThat(connections.send("GET", "127.0.0.1", tcpOnly.port(), "/readyz", new byte[0],
                    Duration.ofSeconds(3)).status()).isEqualTo(200);
        } finally {
            tcpOnly.close();
        }
    }

    @Test
    void closingRemovesTheSocketFile() {
        Path socket = sockets.path(server.port());
        assertThat(socket).exists();

        server.close();

        assertThat(socket).doesNotExist();
    }

    @Test
    void aSlowAnswerTimesOutAndAnInterruptEndsTheWaitAtOnce() throws Exception {
        ApiConnections connections = new ApiConnections(TOKEN, NO_TLS, Optional.of(sockets));
        assertThatThrownBy(() -> connections.send("POST", "127.0.0.1", server.port(), "/promote", new byte[0],
                Duration.ofMillis(300))).isInstanceOf(java.net.SocketTimeoutException.class);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                connections.send("POST", "127.0.0.1", server.port(), "/promote", new byte[0], Duration.ofSeconds(30));
            } catch (IOException e) {
                failure.set(e);
            }
        });
        caller.start();
        // both calls reached the handler: the second now waits for its answer
        assertThat(promoting.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        long interrupted = System.nanoTime();
        caller.interrupt();
        caller.join(5_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(5));
        assertThat(failure.get()).hasMessage("interrupted");
    }

    @Test
    void aServerThatTakesConnectionsButDoesNotAnswerFailsACallWithinTheConnectTimeout() throws Exception {
        // what a stopped (SIGSTOP) or frozen server looks like: the kernel still queues connections
        int port = ScratchPostgres.freePort();
        try (ServerSocketChannel frozen = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            frozen.bind(UnixDomainSocketAddress.of(sockets.path(port)));
            ApiConnections connections = new ApiConnections(TOKEN, NO_TLS, Optional.of(sockets));
            long start = System.nanoTime();

            assertThatThrownBy(() -> connections.send("POST", "127.0.0.1", port, "/promote", new byte[0],
                    Duration.ofSeconds(60))).isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the connect timeout, not the call's")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void malformedRequestsAreRefusedWithWhatIsWrong() throws Exception {
        assertThat(raw("GET /status\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request")
                .contains("malformed request line: \"GET /status\"").contains("Connection: close");
        assertThat(raw("POST /follow HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 501 Not Implemented").contains("send the body with a Content-Length");
        assertThat(raw("POST /follow HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"))
                .startsWith("HTTP/1.1 400 Bad Request").contains("Content-Length");
        assertThat(raw("GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found");
        assertThat(raw("OPTIONS * HTTP/1.1\r\nConnection: close\r\n\r\n")).as("the ping").startsWith("HTTP/1.1 200 OK");
        assertThat(raw("GET * HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(raw("GET /status HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 401 Unauthorized");
    }

    /** Sends {@code request} as is and reads until the server closes. */
    private String raw(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(sockets.path(server.port())))) {
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(),
                    StandardCharsets.ISO_8859_1);
        }
    }
}
