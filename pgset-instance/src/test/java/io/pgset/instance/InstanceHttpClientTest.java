package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgset.core.model.InstanceStatus;
import io.pgset.core.tls.CertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's transport against a real {@link ApiServer} on loopback, reached through a relay that
 * counts connections and can cut them: kept connections, stale ones, POSTs sent once, and the
 * failures callers see in words.
 */
class InstanceHttpClientTest {

    private static final String TOKEN = "test-token";
    private static final String HOST = "127.0.0.1";

    private final CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());
    private final AtomicInteger promotions = new AtomicInteger();
    private final AtomicInteger slotCalls = new AtomicInteger();
    private final AtomicInteger looks = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch waiting = new CountDownLatch(1);
    private SSLContext trust;
    private ApiServer server;
    private CountingRelay relay;
    private InstanceHttpClient client;

    @BeforeEach
    void serve() throws Exception {
        server = server(List.of("localhost"), List.of(HOST));
        server.secured("GET", "/status", body -> ApiServer.Response.json(InstanceStatus.unreachable("demo-0", "polled")))
                .secured("GET", "/slow", body -> {
                    waiting.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return ApiServer.Response.text(200, "late\n");
                })
                .secured("PUT", "/slots", body -> {
                    slotCalls.incrementAndGet();
                    return ApiServer.Response.json(java.util.Map.of("changes", List.of()));
                })
                .secured("POST", "/next", body -> {
                    looks.incrementAndGet();
                    return ApiServer.Response.json(java.util.Map.of());
                })
                .secured("POST", "/promote", body -> {
                    if (promotions.incrementAndGet() == 1) {
                        relay.cut(); // the connection dies after the request arrived, before the answer
                    }
                    return ApiServer.Response.json(java.util.Map.of());
                });
        server.start();
        relay = new CountingRelay(server.port());
        trust = ApiTls.client(ca.certificatePem(), "the test CA");
        client = new InstanceHttpClient(TOKEN, trust);
    }

    private ApiServer server(List<String> names, List<String> ips) throws IOException {
        ApiTls.ServerTls tls = ApiTls.server(ca, names, ips, Duration.ofDays(1));
        return new ApiServer(HOST, 0, TOKEN, "test", tls.context());
    }

    @AfterEach
    void stop() {
        release.countDown();
        relay.close();
        server.close();
    }

    private String status() {
        return client.status("demo-0", HOST, relay.port()).message();
    }

    @Test
    void pollsShareOneConnection() {
        for (int i = 0; i < 5; i++) {
            assertThat(status()).isEqualTo("polled");
        }

        assertThat(relay.accepted()).isEqualTo(1);
    }

    @Test
    void aGetOnAConnectionTheServerClosedIsSentAgainOnANewOne() {
        assertThat(status()).isEqualTo("polled");
        relay.cut();

        assertThat(status()).isEqualTo("polled");
        assertThat(relay.accepted()).isEqualTo(2);
    }

    @Test
    void aPostGoesOnANewConnectionSoAStaleKeptOneCannotLoseIt() throws IOException {
        assertThat(status()).isEqualTo("polled");
        relay.cut();
        promotions.set(1); // the route cuts only the first promotion

        client.promote(HOST, relay.port());

        assertThat(promotions.get()).isEqualTo(2);
        assertThat(relay.accepted()).isEqualTo(2);
        assertThat(status()).isEqualTo("polled");
        assertThat(relay.accepted()).isEqualTo(2); // the POST's connection is kept for the polls
    }

    @Test
    void aPutSharesTheKeptConnectionAndIsSentAgainWhenTheServerClosedIt() throws IOException {
        assertThat(status()).isEqualTo("polled");

        client.ensureSlots(HOST, relay.port(), List.of("demo_1"));
        assertThat(slotCalls.get()).isEqualTo(1);
        assertThat(relay.accepted()).as("the PUT went on the polls' connection").isEqualTo(1);

        relay.cut();
        client.ensureSlots(HOST, relay.port(), List.of("demo_1"));
        assertThat(slotCalls.get()).isEqualTo(2);
        assertThat(relay.accepted()).isEqualTo(2);
        assertThat(ApiConnections.idempotent("PUT")).isTrue();
        assertThat(ApiConnections.idempotent("POST")).isFalse();
    }

    @Test
    void aPostDeclaredRepeatableSharesTheKeptConnectionAndIsSentAgainWhenTheServerClosedIt() throws IOException {
        ApiConnections connections = new ApiConnections(TOKEN, trust);
        assertThat(connections.send("GET", HOST, relay.port(), "/status", new byte[0], Duration.ofSeconds(3)).status())
                .isEqualTo(200);

        assertThat(connections.sendRepeatable("POST", HOST, relay.port(), "/next", new byte[0],
                Duration.ofSeconds(3)).status()).isEqualTo(200);
        assertThat(relay.accepted()).as("the POST went on the GET's connection").isEqualTo(1);

        relay.cut();
        assertThat(connections.sendRepeatable("POST", HOST, relay.port(), "/next", new byte[0],
                Duration.ofSeconds(3)).status()).isEqualTo(200);
        assertThat(looks.get()).isEqualTo(2);
        assertThat(relay.accepted()).isEqualTo(2);
    }

    @Test
    void aPostWhoseConnectionDiesIsNeverSentTwice() {
        assertThat(status()).isEqualTo("polled");

        assertThatThrownBy(() -> client.promote(HOST, relay.port())).isInstanceOf(IOException.class);

        assertThat(promotions.get()).isEqualTo(1);
    }

    @Test
    void nothingListeningReadsAsSuch() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        assertThat(client.status("demo-0", HOST, port).message())
                .isEqualTo("its instance API at 127.0.0.1:" + port + " does not answer yet (nothing listens there yet)");
    }

    @Test
    void aRefusedConnectionSetsUpNoTls() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        AtomicInteger made = new AtomicInteger();
        ApiConnections connections = new ApiConnections(TOKEN, () -> {
            made.incrementAndGet();
            return trust;
        }, java.util.Optional.empty());

        assertThatThrownBy(() -> connections.send("GET", HOST, port, "/status", new byte[0], Duration.ofSeconds(5)))
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(made).as("TLS set up for a server that refused the connection").hasValue(0);

        assertThat(connections.send("GET", HOST, relay.port(), "/status", new byte[0], Duration.ofSeconds(5)).status())
                .isEqualTo(200);
        assertThat(made).as("once a server answers").hasValue(1);
    }

    @Test
    void aSlowAnswerTimesOutAsNoAnswerInTimeAndIsNotRetried() {
        ApiConnections connections = new ApiConnections(TOKEN, trust);
        assertThat(status()).isEqualTo("polled"); // a kept connection that must not be tried twice

        assertThatThrownBy(() -> connections.send("GET", HOST, relay.port(), "/slow", new byte[0], Duration.ofMillis(300)))
                .isInstanceOfSatisfying(SocketTimeoutException.class,
                        e -> assertThat(InstanceHttpClient.why(e)).isEqualTo("no answer in time"));
        assertThat(relay.accepted()).isEqualTo(1);
    }

    @Test
    void aServerThatAcceptsButNeverAnswersFailsWithinTheConnectTimeout() throws IOException {
        // A stopped process: the kernel completes the TCP connect, nobody reads or writes.
        try (ServerSocket stopped = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            ApiConnections connections = new ApiConnections(TOKEN, trust);

            // Ten minutes for the call: only the connect timeout (1 s), which covers the handshake, ends it.
            IOException failure = failureOf(() -> connections.send("GET", HOST, stopped.getLocalPort(), "/status",
                    new byte[0], Duration.ofMinutes(10)));

            assertThat(failure).isInstanceOf(SocketTimeoutException.class);
            assertThat(InstanceHttpClient.why(failure)).isEqualTo("no answer in time");
        }
    }

    @Test
    void aFailedCallClosesItsConnectionWithoutWaitingForTheServer() throws IOException {
        // Answers garbage, then neither reads nor closes, as a server stopped right after writing would.
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of(HOST), Duration.ofDays(1));
        try (ServerSocket stopsAfterAnswering = tls.context().getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = stopsAfterAnswering.accept()) {
                    readHead(s.getInputStream());
                    s.getOutputStream().write("garbage\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    release.await(60, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // the test ended
                }
            }, "stops-after-answering");
            server.setDaemon(true);
            server.start();
            ApiConnections connections = new ApiConnections(TOKEN, trust);

            // The call's timeout bounds each read, and closing must not read once more for that long.
            IOException failure = failureOf(() -> connections.send("GET", HOST, stopsAfterAnswering.getLocalPort(),
                    "/status", new byte[0], Duration.ofMinutes(10)));

            assertThat(failure).hasMessageContaining("malformed status line");
        }
    }

    /**
     * The failure a call ends with. It must end long before the ten minutes the tests above give it:
     * 30 s is far above what it takes (under 1 s), so that a slow machine does not fail the test.
     */
    private static IOException failureOf(Callable<ApiAnswer> call) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                throw new AssertionError("answered " + call.call().status());
            } catch (IOException e) {
                return e;
            }
        });
    }

    private static void readHead(InputStream in) throws IOException {
        for (int matched = 0, b; matched < 4 && (b = in.read()) >= 0; ) {
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Test
    void anInterruptEndsAWaitAtOnceAndKeepsTheFlag() throws Exception {
        ApiConnections connections = new ApiConnections(TOKEN, trust);
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        CompletableFuture<String> outcome = CompletableFuture.supplyAsync(() -> {
            caller.complete(Thread.currentThread());
            try {
                connections.send("GET", HOST, relay.port(), "/slow", new byte[0], Duration.ofSeconds(60));
                return "answered";
            } catch (IOException e) {
                return e.getMessage() + ", interrupted flag " + Thread.interrupted();
            }
        }, r -> new Thread(r, "caller").start());
        Thread thread = caller.get(10, TimeUnit.SECONDS);
        assertThat(waiting.await(20, TimeUnit.SECONDS)).as("the request reached the server").isTrue();

        thread.interrupt();

        // Far below the call's 60 s: the wait ended because of the interrupt.
        assertThat(outcome.get(20, TimeUnit.SECONDS)).isEqualTo("interrupted, interrupted flag true");
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws IOException {
        try (ApiServer elsewhere = server(List.of("elsewhere.example"), List.of("10.9.9.9"))) {
            elsewhere.secured("GET", "/status", body -> ApiServer.Response.json(InstanceStatus.unreachable("x", "y")));
            elsewhere.start();

            assertThat(client.status("demo-0", HOST, elsewhere.port()).message())
                    .startsWith("its instance API at 127.0.0.1:" + elsewhere.port() + " does not answer yet (TLS failed: ")
                    .contains("127.0.0.1");
        }
    }
}
