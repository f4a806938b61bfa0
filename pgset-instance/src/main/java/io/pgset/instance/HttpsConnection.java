package io.pgset.instance;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection to an API, carrying one request at a time.
 *
 * <p>The TLS socket is layered over the socket of a {@link SocketChannel}: its blocking reads and
 * writes are interruptible, so a thread interrupted while it waits for an answer gets a
 * {@link java.nio.channels.ClosedByInterruptException} at once (the connection closed) instead of
 * hanging until the timeout. The server's name is verified as HTTPS does it (the certificate's DNS
 * or IP subject alternative names must match {@code host}).
 */
final class HttpsConnection implements Closeable {

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private long idleSinceNanos = System.nanoTime();

    private HttpsConnection(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects (within {@code connectTimeout}); the TLS handshake happens with the first request. */
    static HttpsConnection open(SSLContext tls, String host, int port, Duration connectTimeout) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            Socket plain = channel.socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            return new HttpsConnection(socket);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes a request whole and reads its answer, each read waiting at most {@code timeout}. */
    ApiAnswer exchange(byte[] request, Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        out.write(request);
        out.flush();
        ApiAnswer answer = HttpMessages.read(in);
        idleSinceNanos = System.nanoTime();
        return answer;
    }

    /** How long it has waited unused since its last answer (or since it opened). */
    Duration idle() {
        return Duration.ofNanos(System.nanoTime() - idleSinceNanos);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was asked; a connection that fails to close cleanly is closed all the same
        }
    }
}
