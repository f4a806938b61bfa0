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
     * Connects to the socket at {@code path}: at once, as the server's backlog takes it, or refused
     * at once when nothing listens (a socket file left by a server that stopped).
     */
    static UnixConnection open(Path path, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            return new UnixConnection(new TimedChannel(channel, timeout));
        } catch (IOException | RuntimeException e) {
            channel.close();
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
