package io.pgset.instance;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One connection to an API over its local socket (see {@link LocalApiSockets}): HTTP/1.1 as over
 * TLS, without the handshake, which the file's permissions and the kernel stand in for.
 */
final class UnixConnection extends ApiConnection {

    private final TimedChannel channel;
    private final InputStream in;

    private UnixConnection(TimedChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(channel.input(), 8 * 1024);
    }

    /**
     * Connects to the socket at {@code path} and makes sure its server answers, within
     * {@code connectTimeout}. The kernel takes a connection into the backlog of a server that does
     * not run (a process stopped, or frozen): the TLS handshake over TCP found that out within the
     * connect timeout, and the ping ({@link UnixApiServer#PING}) does here, so that a call to such a
     * server fails in a second rather than after its own, longer, timeout.
     *
     * @throws java.net.ConnectException nothing listens (a socket file left by a server that stopped)
     * @throws java.net.SocketTimeoutException the server took the connection but did not answer
     */
    static UnixConnection open(Path path, Duration connectTimeout) throws IOException {
        SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            try {
                opened.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                java.net.ConnectException refused = new java.net.ConnectException("nothing listens on " + path);
                refused.initCause(e);
                throw refused;
            }
            UnixConnection connection = new UnixConnection(new TimedChannel(opened, connectTimeout));
            ApiAnswer pong = connection.exchange(UnixApiServer.PING, connectTimeout);
            if (pong.status() != 200) {
                connection.close();
                throw new IOException("the local API at " + path + " answered its ping with " + pong.status());
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    void write(byte[] request, Duration timeout) throws IOException {
        channel.timeout(timeout);
        channel.write(ByteBuffer.wrap(request));
    }

    @Override
    InputStream input() {
        return in;
    }

    @Override
    public void close() {
        channel.close();
    }
}
