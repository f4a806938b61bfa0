package io.pgset.local;

import io.pgset.instance.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * HAProxy's master CLI on its unix socket: one connection per command line, answered and closed.
 * {@code @1 cmd} goes to the current worker. A deadline bounds every call, so that a stuck HAProxy
 * cannot stall the controller's loop.
 */
final class MasterCli {

    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final Path socket;

    MasterCli(Path socket) {
        this.socket = socket;
    }

    /** Sends one command line (commands may be joined with {@code ;}) and returns the answer. */
    String send(String commands) throws IOException {
        Poll.Deadline deadline = Poll.Deadline.after(DEADLINE);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer request = ByteBuffer.wrap((commands + "\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.shutdownOutput(); // the master answers once the request has ended
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_READ);
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                while (true) {
                    if (deadline.expired()) {
                        throw new IOException("HAProxy's master CLI " + socket + " did not answer `" + commands
                                + "` within " + DEADLINE.toSeconds() + " s");
                    }
                    selector.select(Math.max(1, deadline.remaining().toMillis()));
                    buffer.clear();
                    int n = channel.read(buffer);
                    if (n < 0) {
                        return answer.toString(StandardCharsets.UTF_8);
                    }
                    answer.write(buffer.array(), 0, n);
                }
            }
        }
    }
}
