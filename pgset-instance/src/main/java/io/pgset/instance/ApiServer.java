package io.pgset.instance;

import io.pgset.core.json.RecordJson;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small JSON-over-HTTPS server for pgset's APIs (the instance API and the local controller's).
 * Routes marked {@code open} (the probes, which say only yes or no) need no token; every other
 * route needs {@code Authorization: Bearer <token>}.
 *
 * <p>pgset's own, over the JDK's TLS server socket, rather than the JDK's HTTP server: that one's
 * classes, its selector and timer threads, its logging through {@code System.Logger} and the
 * {@code Date} header of every answer (whose English day and month names load the JDK's CLDR
 * locale data, a thousand locales in the heap) stayed in every daemon for no use of pgset's. Each
 * connection has a thread while it lasts (the controller keeps one per instance, see
 * {@link ApiConnections}), at most {@link #MAX_CONNECTIONS} at once; each answer goes out in one
 * write, its length given, so no answer waits out a delayed ACK.
 */
public final class ApiServer implements AutoCloseable {

    /** What a route answers. */
    public record Response(int code, String contentType, byte[] body) {
        public static Response json(Object value) {
            return json(200, value);
        }

        /** {@code value} (a record, a map, a list, a {@link io.pgset.core.json.JsonTree}...) as JSON, see {@link RecordJson}. */
        public static Response json(int code, Object value) {
            return new Response(code, "application/json", RecordJson.bytes(value));
        }

        public static Response text(int code, String text) {
            return new Response(code, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }

        public static Response probe(boolean ok, String why) {
            return text(ok ? 200 : 503, ok ? "ok\n" : why + "\n");
        }
    }

    /**
     * A request the route refuses before doing anything (a missing or wrongly typed field): a 400
     * whose message names what is wrong, so the caller knows the fault is its own.
     */
    public static final class BadRequest extends Exception {
        public BadRequest(String message) {
            super(message);
        }
    }

    /**
     * A request that is well formed but cannot be done in the state things are in (a backup runs
     * already): a 409 whose message says what is in the way, so the caller knows to wait.
     */
    public static final class Conflict extends Exception {
        public Conflict(String message) {
            super(message);
        }
    }

    /**
     * A route's work; a {@link BadRequest} becomes a 400, a {@link Conflict} a 409, any other
     * exception a 500, with its message.
     */
    @FunctionalInterface
    public interface Handler {
        Response handle(byte[] body) throws Exception;
    }

    private record Route(String method, String path, boolean open, Handler handler) {}

    /** Connections served at once; a client beyond them waits in the listen backlog until one ends. */
    static final int MAX_CONNECTIONS = 16;
    /** How long a kept connection may wait for its next request (clients close theirs after 15 s, see {@link ApiConnections}). */
    static final int IDLE_MILLIS = 30_000;
    /** How long a client may take over its TLS handshake, or over a request once its first byte came. */
    static final int REQUEST_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger("pgset.api");

    private final SSLServerSocket server;
    private final String name;
    private final byte[] token;
    private final List<Route> routes = new ArrayList<>();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Map<Socket, Thread> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * An HTTPS server, TLS 1.3 only, presenting the certificate of {@code tls} (see
     * {@link ApiTls.ServerTls}), listening once this returns and answering once {@link #start}ed.
     */
    public ApiServer(String host, int port, String token, String name, SSLContext tls) throws IOException {
        this.server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        try {
            server.setEnabledProtocols(new String[] {ApiTls.PROTOCOL});
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(host, port), 32);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.name = name;
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    public ApiServer open(String method, String path, Handler handler) {
        routes.add(new Route(method, path, true, handler));
        return this;
    }

    public ApiServer secured(String method, String path, Handler handler) {
        routes.add(new Route(method, path, false, handler));
        return this;
    }

    /** Starts answering: one thread accepts, and each connection has a thread of its own while it lasts. */
    public void start() {
        Thread acceptor = new Thread(this::accept, name + "-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            try {
                socket = server.accept();
            } catch (IOException e) {
                slots.release();
                if (!closed) {
                    LOG.warn("the API server of {} could not accept a connection: {}", name, e.toString());
                }
                continue;
            }
            Thread thread = new Thread(() -> serve(socket), name + "-api");
            thread.setDaemon(true);
            connections.put(socket, thread);
            thread.start();
        }
    }

    /**
     * One connection: its TLS handshake, then its requests one after the other, each answered
     * before the next is read, until the client closes it, asks to, or lets it idle past
     * {@link #IDLE_MILLIS}. A request that cannot be read as HTTP is answered 400 and the
     * connection closed; a client that goes silent in the middle of one is dropped.
     */
    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(REQUEST_MILLIS);
            ((SSLSocket) socket).startHandshake();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
            OutputStream out = socket.getOutputStream();
            boolean keepAlive = true;
            while (keepAlive && !closed) {
                socket.setSoTimeout(IDLE_MILLIS);
                HttpRequests.Request request;
                try {
                    request = HttpRequests.read(in, out, () -> timeout(socket, REQUEST_MILLIS));
                } catch (HttpRequests.Malformed e) {
                    HttpRequests.write(out, Response.text(e.code, e.getMessage() + "\n"), false);
                    discardRest(socket, in);
                    return;
                }
                if (request == null) {
                    return;
                }
                keepAlive = request.keepAlive();
                HttpRequests.write(out, respond(request), keepAlive);
            }
        } catch (IOException e) {
            // the client left, went silent, or spoke no TLS: there is no one to answer
        } finally {
            closeNow(socket);
            connections.remove(socket);
            slots.release();
        }
    }

    /**
     * Reads what the client sent after a request it refused, for a moment, before the connection
     * closes: closed with bytes unread, TCP resets it, and the reset can reach the client before it
     * has read the answer that says what was wrong.
     */
    private static void discardRest(Socket socket, InputStream in) {
        timeout(socket, 500);
        byte[] sink = new byte[8 * 1024];
        try {
            for (long total = 0; total < HttpMessages.MAX_BODY; ) {
                int n = in.read(sink);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (IOException e) {
            // silent for the moment, or gone: closing now loses nothing the client is owed
        }
    }

    private static void timeout(Socket socket, int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (java.net.SocketException e) {
            // the connection is gone: the read that follows says so
        }
    }

    private Response respond(HttpRequests.Request request) {
        Route route = null;
        for (Route r : routes) {
            if (r.path.equals(request.path()) && r.method.equals(request.method())) {
                route = r;
                break;
            }
        }
        if (route == null) {
            return Response.text(404, "no route " + request.method() + " " + request.path() + "\n");
        }
        if (!route.open && !authorized(request.authorization(), token)) {
            return Response.text(401, "a bearer token is required\n");
        }
        return handle(route, request.body());
    }

    private static Response handle(Route route, byte[] body) {
        try {
            return route.handler.handle(body);
        } catch (BadRequest e) {
            return Response.text(400, e.getMessage() + "\n");
        } catch (Conflict e) {
            return Response.text(409, e.getMessage() + "\n");
        } catch (Exception e) {
            return Response.text(500, String.valueOf(e.getMessage()) + "\n");
        }
    }

    /** Whether an {@code Authorization} header is exactly the expected one, compared in constant time. */
    public static boolean authorized(String header, byte[] expected) {
        return header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Closes a connection without waiting for the client: the TCP input is shut first, or the TLS
     * close would wait for the client's close_notify up to the read timeout (see {@link HttpsConnection}).
     */
    private static void closeNow(Socket socket) {
        try {
            socket.shutdownInput();
        } catch (IOException | UnsupportedOperationException e) {
            // closed already, or reset: nothing to wait for
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }

    /** Stops listening, closes every connection and interrupts the work of any request still running. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // no longer listening either way
        }
        connections.forEach((socket, thread) -> {
            closeNow(socket);
            thread.interrupt();
        });
    }
}
