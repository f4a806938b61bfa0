package io.pgset.instance;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Sends requests to pgset's APIs (see {@link ApiServer}) over persistent connections, HTTPS or a
 * local socket's (see {@link LocalApiSockets}), so that the controller's polls every few hundred
 * milliseconds do not each pay a TLS handshake:
 *
 * <ol>
 *   <li>A GET or a PUT takes the idle connection kept for its server (one per TLS context, host and
 *       port, or per local socket). {@link ApiServer} keeps a connection open for 30 s of idleness; one idle here for
 *       {@link #IDLE_LIMIT} or longer is closed rather than used.</li>
 *   <li>A GET or a PUT that fails on a kept connection (the server closed it meanwhile, or
 *       restarted) is sent once more, on a new connection; not after a timeout (the server is slow,
 *       not gone) nor after an interrupt. Both are idempotent: the API's one PUT, {@code /slots},
 *       states the whole set of slots the primary should have, so carrying it out twice leaves what
 *       once does. The controller sends it on every pass, so on a new connection each time it cost
 *       a TLS handshake on both sides four times a second, about half of an idle controller's CPU.</li>
 *   <li>Any other method goes on a new connection, unless the caller declares the request a read
 *       that is safe to send twice ({@link #sendRepeatable}); then it goes as a GET does. A POST
 *       that fails on a kept connection after its bytes left may have been carried out, and
 *       promote, demote or follow must never be carried out twice; on a new connection a failure
 *       is the server's own answer to this one request.
 *       Once answered, that connection is kept for the requests that follow.</li>
 *   <li>Each request first closes the connections that have idled past {@link #IDLE_LIMIT}, so no
 *       thread of its own watches them.</li>
 * </ol>
 *
 * The idle connections are shared by every client in the JVM: the operator makes a client per
 * reconcile, and what a discarded client left behind is closed by whichever request comes next.
 */
public final class ApiConnections {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Below the JDK server's 30 s, so a kept connection is seldom one the server is closing. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(15);

    /** A TCP server; a local socket is known by its path. */
    private record Server(SSLContext tls, String host, int port) {}

    /** Opens a new connection to a server. */
    @FunctionalInterface
    private interface Opener {
        ApiConnection open() throws IOException;
    }

    /** The kept connection of each server: a {@link Server}, or the {@link Path} of a local socket. */
    private static final ConcurrentHashMap<Object, ApiConnection> IDLE = new ConcurrentHashMap<>();

    private final SSLContext tls;
    private final String token;
    private final Optional<LocalApiSockets> sockets;

    /** @param tls trusts the CA of the servers called only (see {@link ApiTls#client}) */
    public ApiConnections(String token, SSLContext tls) {
        this.token = token;
        this.tls = tls;
        this.sockets = Optional.empty();
    }

    /**
     * Calls that go to a local socket where {@code sockets} has one for the loopback port called (see
     * {@link LocalApiSockets}), over TLS otherwise.
     *
     * @param tls made at the first handshake, once: a caller that only ever uses local sockets, or
     *            whose servers refuse the connection (not listening yet), never loads the CA nor
     *            initialises TLS
     */
    public ApiConnections(String token, Supplier<SSLContext> tls, Optional<LocalApiSockets> sockets) {
        this.token = token;
        this.tls = new DeferredSslContext(ApiTls.PROTOCOL, tls);
        this.sockets = sockets;
    }

    /**
     * One request and its whole answer; {@code timeout} bounds each wait for the server's bytes.
     *
     * @throws IOException the connection failed, the answer was malformed, or the thread was
     *                     interrupted (message "interrupted", the interrupt flag left set)
     */
    public ApiAnswer send(String method, String host, int port, String path, byte[] body, Duration timeout)
            throws IOException {
        return send(method, host, port, path, body, timeout, idempotent(method));
    }

    /**
     * As {@link #send}, for a POST that only reads, which the caller declares safe to send twice: it
     * takes the kept connection and is sent again after a failure there, as a GET is. The
     * controller's {@code /status/next} is one: a command waiting for a cluster to come up asks it
     * at every change of status, and each on a new connection cost a TLS handshake on both sides
     * while the cluster's initdb needed the CPU.
     */
    public ApiAnswer sendRepeatable(String method, String host, int port, String path, byte[] body, Duration timeout)
            throws IOException {
        return send(method, host, port, path, body, timeout, true);
    }

    private ApiAnswer send(String method, String host, int port, String path, byte[] body, Duration timeout,
            boolean repeatable) throws IOException {
        byte[] request = HttpMessages.request(method, host, port, path, token, body);
        closeExpired();
        try {
            Optional<Path> socket = sockets.flatMap(s -> s.serving(host, port));
            if (socket.isPresent()) {
                try {
                    return send(socket.get(), () -> UnixConnection.open(socket.get(), CONNECT_TIMEOUT), request,
                            timeout, repeatable);
                } catch (java.net.ConnectException e) {
                    // nothing listens on the socket (its server stopped, or serves TCP only now): the
                    // request was not sent, and goes over TCP
                }
            }
            Server server = new Server(tls, host, port);
            return send(server, () -> HttpsConnection.open(server.tls(), host, port, CONNECT_TIMEOUT), request,
                    timeout, repeatable);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted", e);
            }
            throw e;
        }
    }

    private static ApiAnswer send(Object server, Opener opener, byte[] request, Duration timeout, boolean repeatable)
            throws IOException {
        Optional<ApiAnswer> kept = onKept(server, request, timeout, repeatable);
        return kept.isPresent() ? kept.get() : exchange(server, opener.open(), request, timeout);
    }

    /**
     * The answer on the connection kept for {@code server}, when the request may go there and it
     * came; empty when there is none, or when it failed in a way worth a new connection.
     */
    private static Optional<ApiAnswer> onKept(Object server, byte[] request, Duration timeout, boolean repeatable)
            throws IOException {
        ApiConnection kept = repeatable ? IDLE.remove(server) : null;
        if (kept == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(exchange(server, kept, request, timeout));
        } catch (IOException e) {
            if (!worthRetrying(e, Thread.currentThread().isInterrupted())) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** Whether carrying a request out twice leaves what carrying it out once does (see the class comment). */
    static boolean idempotent(String method) {
        return "GET".equals(method) || "PUT".equals(method);
    }

    /** Whether a GET or PUT that failed on a kept connection is worth sending again on a new one. */
    static boolean worthRetrying(IOException failure, boolean interrupted) {
        return !interrupted && !(failure instanceof SocketTimeoutException);
    }

    private static ApiAnswer exchange(Object server, ApiConnection connection, byte[] request,
            Duration timeout) throws IOException {
        ApiAnswer answer;
        try {
            answer = connection.exchange(request, timeout);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        if (answer.reusable()) {
            ApiConnection replaced = IDLE.put(server, connection);
            if (replaced != null) {
                replaced.close();
            }
        } else {
            connection.close();
        }
        return answer;
    }

    private static void closeExpired() {
        IDLE.forEach((server, connection) -> {
            if (connection.idle().compareTo(IDLE_LIMIT) >= 0 && IDLE.remove(server, connection)) {
                connection.close();
            }
        });
    }
}
