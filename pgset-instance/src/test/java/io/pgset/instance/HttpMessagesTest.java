package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The client's HTTP/1.1 on bytes: requests written, answers parsed strictly. */
class HttpMessagesTest {

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ApiAnswer read(String text) throws IOException {
        return HttpMessages.read(bytes(text));
    }

    @Test
    void aGetCarriesTheTokenAndNoBody() {
        byte[] request = HttpMessages.request("GET", "10.0.0.7", 8008, "/status", "t0k", new byte[0]);

        assertThat(new String(request, StandardCharsets.UTF_8)).isEqualTo(
                "GET /status HTTP/1.1\r\nHost: 10.0.0.7:8008\r\nAuthorization: Bearer t0k\r\n\r\n");
    }

    @Test
    void aPostCarriesItsLengthAndBodyAndAnIpv6HostIsBracketed() {
        byte[] request = HttpMessages.request("POST", "fd00::7", 8008, "/follow", "t", "{\"a\":1}".getBytes());

        assertThat(new String(request, StandardCharsets.UTF_8)).isEqualTo("POST /follow HTTP/1.1\r\n"
                + "Host: [fd00::7]:8008\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\n"
                + "Content-Length: 7\r\n\r\n{\"a\":1}");
    }

    @Test
    void aFixedLengthAnswerLeavesTheConnectionReusableAndTheNextAnswerUnread() throws IOException {
        InputStream in = bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 2\r\n\r\n{}"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        ApiAnswer first = HttpMessages.read(in);
        ApiAnswer second = HttpMessages.read(in);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.text()).isEqualTo("{}");
        assertThat(first.reusable()).isTrue();
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.body()).isEmpty();
    }

    @Test
    void connectionCloseAndHttp10AndABodyEndedByClosingAreNotReused() throws IOException {
        assertThat(read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx").reusable()).isFalse();
        assertThat(read("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx").reusable()).isFalse();

        ApiAnswer unframed = read("HTTP/1.1 200 OK\r\n\r\nall of it");
        assertThat(unframed.text()).isEqualTo("all of it");
        assertThat(unframed.reusable()).isFalse();
    }

    @Test
    void aChunkedBodyIsJoinedSkippingExtensionsAndTrailers() throws IOException {
        ApiAnswer answer = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;name=x\r\nstat\r\nA\r\nus: ready\n\r\n0\r\nTrailer: y\r\n\r\n");

        assertThat(answer.text()).isEqualTo("status: ready");
        assertThat(answer.reusable()).isTrue();
    }

    @Test
    void interimAnswersAreSkippedAndA204HasNoBody() throws IOException {
        ApiAnswer answer = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");

        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.body()).isEmpty();
        assertThat(answer.reusable()).isTrue();
    }

    @Test
    void malformedAnswersAreRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> read("HTTP/2 200\r\n\r\n"))
                .hasMessage("the server answered with a malformed status line: \"HTTP/2 200\"");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"))
                .hasMessage("the server answered with a malformed Content-Length: \"-1\"");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy"))
                .hasMessage("the server answered with two different Content-Lengths: 1 and 2");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"))
                .hasMessage("the server answered with a malformed header: \"no colon\"");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"))
                .hasMessage("the server answered with Transfer-Encoding \"gzip, chunked\", which this client"
                        + " does not decode (it reads chunked only)");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
                .hasMessage("the server answered with a malformed chunk size: \"zz\"");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"))
                .hasMessage("the server answered with a chunk longer than its size 2");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"))
                .hasMessageContaining("a body of 99999999 bytes, more than the 16777216 accepted");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nX: " + "a".repeat(HttpMessages.MAX_LINE) + "\r\n\r\n"))
                .hasMessage("the server answered with a line longer than 8192 bytes");
    }

    @Test
    void anAnswerCutShortIsAnEndOfStreamNamingWhere() {
        assertThatThrownBy(() -> read(""))
                .isInstanceOf(EOFException.class)
                .hasMessage("the server closed the connection without answering");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Len"))
                .isInstanceOf(EOFException.class)
                .hasMessage("the answer ended in the middle of a line");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
                .isInstanceOf(EOFException.class)
                .hasMessage("the answer ended after 3 of its 10 bytes");
    }

    @Test
    void aKeptConnectionIsRetriedAfterAFailureButNotAfterATimeoutOrAnInterrupt() {
        assertThat(ApiConnections.worthRetrying(new EOFException("closed"), false)).isTrue();
        assertThat(ApiConnections.worthRetrying(new java.net.SocketException("Connection reset"), false)).isTrue();
        assertThat(ApiConnections.worthRetrying(new SocketTimeoutException("Read timed out"), false)).isFalse();
        assertThat(ApiConnections.worthRetrying(new EOFException("closed"), true)).isFalse();
    }
}
