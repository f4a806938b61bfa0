package io.pgset.instance;

import io.pgset.instance.ApiServer.Response;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ApiServer}'s routes served a second time on a Unix-domain socket (see
 * {@link LocalApiSockets}): HTTP/1.1 with persistent connections, one thread per connection, the
 * same answers as over HTTPS. Requests are read strictly (a malformed one gets a 400 and the
 * connection closed); what the server does not speak (a chunked request body) gets a 501.
 */
final class UnixApiServer implements AutoCloseable {

    /** What answers a request: {@link ApiServer#answer}. */
    @FunctionalInterface
    interface Answers {
        Response answer(String method, String path, String authorization, byte[] body);
    }

    /**
     * What a caller sends first on a new connection, and the server answers at once with a 200
     * without a body: that it answers shows it runs (see {@link UnixConnection#open}).
     */
    static final byte[] PING = "OPTIONS * HTTP/1.1\r\nHost: local\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** Connections served at once; one more is closed as it comes (pgset's callers keep one each). */
    static final int MAX_CONNECTIONS = 16;
    /** How long a connection may idle, or a request take to arrive, before it is closed. */
    static final Duration IDLE = Duration.ofSeconds(30);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.api");

    private final ServerSocketChannel server;
    private final String name;
    private final Answers answers;
    private final Set<TimedChannel> open = ConcurrentHashMap.newKeySet();
    private final Path path;
    /** The socket file's identity, so that {@link #close} removes only its own. */
    private final Object fileKey;

    private UnixApiServer(ServerSocketChannel server, Path path, Object fileKey, String name, Answers answers) {
        this.server = server;
        this.path = path;
        this.fileKey = fileKey;
        this.name = name;
        this.answers = answers;
    }

    /**
     * Listens at {@code path}, in a directory made or kept at mode 0700, the socket itself at 0600.
     * The socket is bound under a private name beside it ({@link #privatePath}) and then renamed to
     * {@code path} in one step, so that it is never there half made, and replaces a file left there
     * by a server that stopped. A server still listening at {@code path} keeps its socket.
     *
     * @throws IOException a server listens at {@code path}, or the socket cannot be made
     */
    static UnixApiServer start(Path path, String name, Answers answers) throws IOException {
        Path socket = path.toAbsolutePath();
        Path dir = socket.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (listening(socket)) {
            throw new IOException("another server listens on " + socket);
        }
        Path own = privatePath(socket);
        Files.deleteIfExists(own); // left by a server killed while it started
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        UnixApiServer unix;
        try {
            server.bind(UnixDomainSocketAddress.of(own));
            Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rw-------"));
            Object fileKey = Files.readAttributes(own, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            Files.move(own, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            unix = new UnixApiServer(server, socket, fileKey, name, answers);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(own);
            throw e;
        }
        Thread acceptor = new Thread(unix::accept, name + "-api-local");
        acceptor.setDaemon(true);
        acceptor.start();
        return unix;
    }

    /** Where the socket for {@code path} is made before it is renamed to it: a dot before its name. */
    static Path privatePath(Path path) {
        return path.resolveSibling("." + path.getFileName());
    }

    /** Whether a server accepts connections on the socket file {@code socket}. */
    private static boolean listening(Path socket) {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false; // refused: a file whose server stopped
        }
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel accepted;
            try {
                accepted = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("the local API socket {} failed: {}", path, e.getMessage());
                return;
            }
            try {
                TimedChannel channel = new TimedChannel(accepted, IDLE);
                if (open.size() >= MAX_CONNECTIONS) {
                    channel.close();
                    continue;
                }
                open.add(channel);
                Thread serving = new Thread(() -> serve(channel), name + "-api-local");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                close(accepted);
            }
        }
    }

    private void serve(TimedChannel channel) {
        try (channel) {
            InputStream in = new BufferedInputStream(channel.input(), 8 * 1024);
            while (true) {
                Request request;
                try {
                    request = Request.read(in);
                } catch (EOFException e) {
                    return; // the caller closed its connection between two requests
                } catch (Refused e) {
                    channel.write(response(Response.text(e.code, e.getMessage() + "\n"), false));
                    return;
                }
                Response response = request.path().equals("*")
                        ? new Response(200, "text/plain; charset=utf-8", new byte[0]) // the ping
                        : answers.answer(request.method(), request.path(), request.authorization(), request.body());
                channel.write(response(response, request.keepAlive()));
                if (!request.keepAlive()) {
                    return;
                }
            }
        } catch (IOException e) {
            // closed by the caller, by close(), or idle too long: nothing to answer any more
        } finally {
            open.remove(channel);
        }
    }

    /** The bytes of an answer, framed by its length. */
    static ByteBuffer response(Response response, boolean keepAlive) {
        byte[] head = ("HTTP/1.1 " + response.code() + " " + reason(response.code()) + "\r\n"
                + "Content-Type: " + response.contentType() + "\r\n"
                + "Content-Length: " + response.body().length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(head.length + response.body().length).put(head).put(response.body()).flip();
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status " + code;
        };
    }

    /** A request this server will not carry out, with the status that says why. */
    static final class Refused extends IOException {
        final int code;

        Refused(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** One request, read whole. */
    record Request(String method, String path, String authorization, byte[] body, boolean keepAlive) {

        static Request read(InputStream in) throws IOException {
            String line = line(in, true);
            String[] parts = line.split(" ", -1);
            boolean asterisk = parts.length == 3 && parts[0].equals("OPTIONS") && parts[1].equals("*");
            if (parts.length != 3 || !parts[0].matches("[A-Z]{1,16}") || !(parts[1].startsWith("/") || asterisk)
                    || !parts[2].matches("HTTP/1\\.[01]")) {
                throw new Refused(400, "malformed request line: " + quoted(line));
            }
            boolean keepAlive = parts[2].equals("HTTP/1.1");
            long length = 0;
            String authorization = null;
            for (int count = 0; ; count++) {
                String header = line(in, false);
                if (header.isEmpty()) {
                    break;
                }
                if (count == HttpMessages.MAX_HEADERS) {
                    throw new Refused(400, "more than " + HttpMessages.MAX_HEADERS + " headers");
                }
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new Refused(400, "malformed header: " + quoted(header));
                }
                String value = header.substring(colon + 1).strip();
                switch (header.substring(0, colon).strip().toLowerCase(Locale.ROOT)) {
                    case "content-length" -> length = length(value);
                    case "authorization" -> authorization = value;
                    case "connection" -> keepAlive &= !value.toLowerCase(Locale.ROOT).contains("close");
                    case "transfer-encoding" -> throw new Refused(501, "Transfer-Encoding " + quoted(value)
                            + " is not accepted; send the body with a Content-Length");
                    default -> { }
                }
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("the request ended after " + body.length + " of its " + length + " bytes");
            }
            int query = parts[1].indexOf('?');
            return new Request(parts[0], query < 0 ? parts[1] : parts[1].substring(0, query), authorization, body,
                    keepAlive);
        }

        private static long length(String value) throws Refused {
            if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > HttpMessages.MAX_BODY) {
                throw new Refused(400, "Content-Length " + quoted(value) + " is not a length up to "
                        + HttpMessages.MAX_BODY);
            }
            return Long.parseLong(value);
        }

        /** One line up to LF, a CR before it dropped; the stream ending before a request is an EOF. */
        private static String line(InputStream in, boolean first) throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (first && line.length() == 0) {
                        throw new EOFException("closed between requests");
                    }
                    throw new Refused(400, "the request ended in the middle of a line");
                }
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() == HttpMessages.MAX_LINE) {
                    throw new Refused(400, "a line longer than " + HttpMessages.MAX_LINE + " bytes");
                }
                line.append((char) b);
            }
        }

        private static String quoted(String text) {
            return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\"";
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }

    /** Stops listening, closes every connection, and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // no longer listening either way
        }
        open.forEach(TimedChannel::close);
        try {
            // Only its own: one that replaced it since (its server had stopped listening) stays.
            if (fileKey.equals(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey())) {
                Files.deleteIfExists(path);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // removed already
        } catch (IOException e) {
            LOG.warn("cannot remove the local API socket {}: {}", path, e.getMessage());
        }
    }
}
