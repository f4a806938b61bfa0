package io.pgset.instance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Blocking streams over a Unix-domain {@link SocketChannel}, whose every wait is bounded: the
 * channel is non-blocking and each wait is a select with what is left of the timeout. A channel of
 * that family has no {@code Socket} to set a read timeout on, and a plain blocking read would wait
 * for a stopped peer forever. An interrupt ends a wait at once, closing the channel, as a blocking
 * channel's {@link ClosedByInterruptException} does. A timeout of zero bounds nothing (a
 * {@code Socket}'s {@code soTimeout} of 0).
 */
final class TimedChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private volatile Duration timeout;

    TimedChannel(SocketChannel channel, Duration timeout) throws IOException {
        this.channel = channel;
        this.timeout = timeout;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            this.key = channel.register(selector, 0);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /** Bounds each wait for the peer from now on. */
    void timeout(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Reads what is there, waiting for at least one byte.
     *
     * @return how many bytes were read, -1 at the end of the stream
     * @throws SocketTimeoutException nothing came within the timeout
     */
    int read(ByteBuffer into) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int n = channel.read(into);
            if (n != 0) {
                return n;
            }
            await(SelectionKey.OP_READ, deadline, "no bytes came");
        }
    }

    /** Writes all of {@code from}, each wait for room bounded by the timeout. */
    void write(ByteBuffer from) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (from.hasRemaining()) {
            if (channel.write(from) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "the peer read nothing");
            }
        }
    }

    private void await(int operation, long deadline, String what) throws IOException {
        boolean bounded = !timeout.isZero();
        long left = deadline - System.nanoTime();
        if (bounded && left <= 0) {
            throw new SocketTimeoutException(what + " in " + timeout.toMillis() + " ms");
        }
        try {
            key.interestOps(operation);
            selector.select(bounded ? Math.max(1, left / 1_000_000) : 0);
            selector.selectedKeys().clear();
        } catch (java.nio.channels.ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
            throw new java.nio.channels.AsynchronousCloseException(); // closed by another thread meanwhile
        }
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new ClosedByInterruptException();
        }
    }

    /** The channel as a stream: each read waits as {@link #read} does. */
    InputStream input() {
        return new InputStream() {
            private final ByteBuffer one = ByteBuffer.allocate(1);

            @Override
            public int read() throws IOException {
                one.clear();
                int n = TimedChannel.this.read(one);
                return n < 0 ? -1 : one.get(0) & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return TimedChannel.this.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    /** The channel as a stream: each write waits as {@link #write} does. */
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                TimedChannel.this.write(ByteBuffer.wrap(new byte[] {(byte) b}));
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                TimedChannel.this.write(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing waits on it any more
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }
}
