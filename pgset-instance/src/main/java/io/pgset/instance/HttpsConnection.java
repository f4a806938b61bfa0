package io.pgset.instance;

import java.io.BufferedInputStream;
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
 *
 * <p>A server that accepts connections but does not answer (its process stopped: the kernel still
 * completes the TCP connect) costs no more than it did with the JDK's HTTP client, whose connect
 * timeout bounds the TLS handshake too and which never waits for a server to close:
 * <ul>
 *   <li>the TLS handshake happens in {@link #open}, within the connect timeout, not with the first
 *       request within that request's (longer) timeout;</li>
 *   <li>{@link #close} never waits for the server. The JDK's {@code SSLSocket.close()} on a TLS 1.3
 *       connection reads once more for the server's answer to its close_notify, waiting up to the
 *       socket's read timeout (JDK 17's {@code SSLSocketInputRecord.deplete}): a call that timed out
 *       after 3 s took 6 s, one after 100 s 200 s. The TCP input is shut first, so that read ends
 *       at once; the close_notify still goes out.</li>
 * </ul>
 */
final class HttpsConnection extends ApiConnection {

    private final Socket plain;
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    private HttpsConnection(Socket plain, SSLSocket socket) throws IOException {
        this.plain = plain;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the TLS handshake, both within {@code connectTimeout}. */
    static HttpsConnection open(SSLContext tls, String host, int port, Duration connectTimeout) throws IOException {
        Poll.Deadline deadline = Poll.Deadline.after(connectTimeout);
        SocketChannel channel = SocketChannel.open();
        try {
            Socket plain = channel.socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), millis(connectTimeout));
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(millis(deadline.remaining()));
            socket.startHandshake();
            return new HttpsConnection(plain, socket);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    void write(byte[] request, Duration timeout) throws IOException {
        socket.setSoTimeout(millis(timeout));
        out.write(request);
        out.flush();
    }

    @Override
    InputStream input() {
        return in;
    }

    /** Closes at once, whatever the server does (see the class comment). */
    @Override
    public void close() {
        try {
            plain.shutdownInput();
        } catch (IOException e) {
            // closed already, or reset by the server: nothing is left to wait for
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was asked; a connection that fails to close cleanly is closed all the same
        }
    }

    /** A socket timeout: never 0, which would mean no timeout at all. */
    private static int millis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }
}
