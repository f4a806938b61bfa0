package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.tls.CertificateAuthority;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ApiServer} on the wire, byte by byte over real TLS: what it answers to requests that are
 * well formed or not, how long a connection lives, and what closing the server does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a bug here hangs on a socket rather than fails
class ApiServerWireTest {

    private static final String TOKEN = "wire-token";
    private static final String AUTH = "Authorization: Bearer " + TOKEN + "\r\n";

    private final CountDownLatch working = new CountDownLatch(1);
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private ApiServer server;
    private SSLContext trust;

    @BeforeEach
    void serve() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("wire", Instant.now());
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        server = new ApiServer("127.0.0.1", 0, TOKEN, "wire", tls.context());
        server.open("GET", "/health", body -> ApiServer.Response.probe(true, ""))
                .secured("GET", "/status", body -> ApiServer.Response.text(200, "fine\n"))
                .secured("POST", "/echo", body -> new ApiServer.Response(200, "application/json", body))
                .secured("POST", "/work", body -> {
                    working.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return ApiServer.Response.text(200, "done\n");
                });
        server.start();
        trust = ApiTls.client(ca.certificatePem(), "the test CA");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void requestsOnOneConnectionAreAnsweredInTurnWhateverTheirOutcome() throws IOException {
        try (Wire wire = new Wire()) {
            wire.send("GET /status HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
            assertThat(wire.answer()).isEqualTo(new Answer(200, "fine\n", true));

            wire.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(wire.answer()).isEqualTo(new Answer(401, "a bearer token is required\n", true));

            wire.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
            assertThat(wire.answer()).isEqualTo(new Answer(404, "no route GET /nowhere\n", true));

            // the probes need no token, and a query does not change the route
            wire.send("\r\nGET /health?verbose=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(wire.answer()).isEqualTo(new Answer(200, "ok\n", true));

            wire.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: 11\r\n\r\n{\"a\": \"\u00e9\"}");
            assertThat(wire.answer()).isEqualTo(new Answer(200, "{\"a\": \"\u00e9\"}", true));
        }
    }

    @Test
    void aClientThatWaitsBeforeSendingItsBodyIsToldToSendIt() throws IOException {
        try (Wire wire = new Wire()) {
            wire.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTH + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n");

            assertThat(HttpMessages.line(wire.in, true)).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(HttpMessages.line(wire.in, false)).isEmpty();
            wire.send("{}");
            assertThat(wire.answer()).isEqualTo(new Answer(200, "{}", true));
        }
    }

    @Test
    void aClientThatAsksToCloseOrSpeaksHttp10IsAnsweredThenClosed() throws IOException {
        for (String request : List.of("GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + AUTH + "\r\n",
                "GET /status HTTP/1.0\r\n" + AUTH + "\r\n")) {
            try (Wire wire = new Wire()) {
                wire.send(request);

                assertThat(wire.answer()).as(request).isEqualTo(new Answer(200, "fine\n", false));
                assertThat(wire.in.read()).as("then the connection ends").isEqualTo(-1);
            }
        }
    }

    @Test
    void aRequestThatIsNotHttpIsRefusedSayingWhatIsWrongAndTheConnectionCloses() throws IOException {
        List<List<String>> cases = List.of(
                List.of("HELLO\r\n\r\n", "400", "a malformed request line: \"HELLO\""),
                List.of("GET status HTTP/1.1\r\n\r\n", "400", "a malformed request line"),
                List.of("GET /status HTTP/2\r\n\r\n", "400", "a malformed request line"),
                List.of("GET /status HTTP/1.1\r\nno colon\r\n\r\n", "400", "a malformed header: \"no colon\""),
                List.of("POST /echo HTTP/1.1\r\nContent-Length: ten\r\n\r\n", "400", "a malformed Content-Length"),
                List.of("POST /echo HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "400",
                        "two different Content-Lengths: 3 and 4"),
                List.of("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "411",
                        "send the body with a Content-Length"),
                List.of("POST /echo HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", "413", "more than the 16777216 accepted"),
                List.of("GET /" + "a".repeat(HttpMessages.MAX_LINE) + " HTTP/1.1\r\n\r\n", "431", "a line longer than"));
        for (List<String> c : cases) {
            try (Wire wire = new Wire()) {
                wire.send(c.get(0));

                Answer answer = wire.answer();
                assertThat(answer.status()).as(c.get(0)).isEqualTo(Integer.parseInt(c.get(1)));
                assertThat(answer.body()).as(c.get(0)).contains(c.get(2));
                assertThat(answer.keepAlive()).isFalse();
                assertThat(wire.in.read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aConnectionThatNeverSpeaksTlsHoldsNoOneElseUp() throws Exception {
        try (Socket silent = new Socket("127.0.0.1", server.port()); Wire wire = new Wire()) {
            wire.send("GET /status HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");

            assertThat(wire.answer().status()).isEqualTo(200);
            assertThat(silent.isConnected()).isTrue();
        }
    }

    @Test
    void closingTheServerInterruptsTheWorkOfARequestAndEndsItsConnections() throws Exception {
        Wire idle = new Wire();
        idle.send("GET /status HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
        assertThat(idle.answer().status()).isEqualTo(200);
        Wire busy = new Wire();
        busy.send("POST /work HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: 0\r\n\r\n");
        CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return busy.in.read();
            } catch (IOException e) {
                return -1;
            }
        });
        assertThat(working.await(30, TimeUnit.SECONDS)).isTrue();

        server.close();

        assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the request's work was interrupted").isTrue();
        assertThat(answer.get(30, TimeUnit.SECONDS)).as("the busy connection ended").isEqualTo(-1);
        assertThat(idle.in.read()).as("the idle connection ended").isEqualTo(-1);
        assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(ConnectException.class);
        idle.close();
        busy.close();
    }

    private record Answer(int status, String body, boolean keepAlive) {}

    /** One TLS connection to the server, verified against the test CA. */
    private final class Wire implements AutoCloseable {
        final SSLSocket socket;
        final InputStream in;

        Wire() throws IOException {
            socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.port());
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            in = new BufferedInputStream(socket.getInputStream());
        }

        void send(String request) throws IOException {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }

        Answer answer() throws IOException {
            ApiAnswer answer = HttpMessages.read(in);
            return new Answer(answer.status(), new String(answer.body(), StandardCharsets.UTF_8), answer.reusable());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
