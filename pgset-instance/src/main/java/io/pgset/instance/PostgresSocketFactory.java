package io.pgset.instance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * The JDBC driver's way onto a postgres Unix socket (see {@link PostgresSocket}): given to it as
 * {@code socketFactory} with the socket's path as {@code socketFactoryArg}, it makes sockets that
 * connect there whatever host and port the URL names. The driver cannot reach a Unix socket by
 * itself, and the JDK gives such a channel no {@code Socket}; {@link UnixSocket} is as much of one
 * as the driver uses, its reads bounded by the driver's timeouts.
 */
public final class PostgresSocketFactory extends SocketFactory {

    private final Path path;

    /** @param path the socket, as the driver hands over {@code socketFactoryArg} */
    public PostgresSocketFactory(String path) {
        this.path = Path.of(path);
    }

    @Override
    public Socket createSocket() {
        return new UnixSocket(path);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected();
    }

    private Socket connected() throws IOException {
        Socket socket = new UnixSocket(path);
        socket.connect(null, 0);
        return socket;
    }

    /** A connection to the Unix socket at a path, as a {@link Socket}. */
    static final class UnixSocket extends Socket {

        private final Path path;
        private volatile TimedChannel channel;
        private volatile int soTimeoutMillis;
        private volatile boolean closed;

        UnixSocket(Path path) {
            this.path = path;
        }

        /** Connects to the socket's path; {@code endpoint} (the URL's host and port) is not used. */
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                opened.connect(UnixDomainSocketAddress.of(path));
                channel = new TimedChannel(opened, Duration.ofMillis(soTimeoutMillis));
            } catch (IOException e) {
                opened.close();
                ConnectException refused = new ConnectException("cannot connect to " + path + ": " + e.getMessage());
                refused.initCause(e);
                throw refused;
            }
        }

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            connect(endpoint, 0);
        }

        private TimedChannel channel() throws SocketException {
            TimedChannel c = channel;
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            if (c == null) {
                throw new SocketException("Socket is not connected");
            }
            return c;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return channel().input();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return channel().output();
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            if (timeout < 0) {
                throw new IllegalArgumentException("timeout < 0");
            }
            soTimeoutMillis = timeout;
            TimedChannel c = channel;
            if (c != null) {
                c.timeout(Duration.ofMillis(timeout));
            }
        }

        @Override
        public int getSoTimeout() {
            return soTimeoutMillis;
        }

        // TCP's options mean nothing on a Unix socket: set, they change nothing; read, the defaults.

        @Override
        public void setTcpNoDelay(boolean on) {
        }

        @Override
        public boolean getTcpNoDelay() {
            return true;
        }

        @Override
        public void setKeepAlive(boolean on) {
        }

        @Override
        public boolean getKeepAlive() {
            return false;
        }

        @Override
        public void setSendBufferSize(int size) {
        }

        @Override
        public int getSendBufferSize() {
            return 8192;
        }

        @Override
        public void setReceiveBufferSize(int size) {
        }

        @Override
        public int getReceiveBufferSize() {
            return 8192;
        }

        @Override
        public boolean isConnected() {
            return channel != null;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void shutdownInput() {
            close();
        }

        @Override
        public void shutdownOutput() {
            close();
        }

        @Override
        public synchronized void close() {
            closed = true;
            TimedChannel c = channel;
            if (c != null) {
                c.close();
            }
        }

        @Override
        public String toString() {
            return "UnixSocket[" + path + "]";
        }
    }
}
