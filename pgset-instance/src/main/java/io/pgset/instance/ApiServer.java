package io.pgset.instance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.pgset.core.json.RecordJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A small JSON-over-HTTP server for pgset's APIs (the instance API and the local controller's).
 * Routes marked {@code open} (the probes, which say only yes or no) need no token; every other
 * route needs {@code Authorization: Bearer <token>}.
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

    static {
        // Without it the JDK server writes headers and body as two segments and every answer waits
        // out a delayed ACK (~40 ms), which the controller pays for each instance on every pass.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final int BACKLOG = 32;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.api");

    private final HttpsServer server;
    private final String name;
    private final byte[] token;
    private final List<Route> routes = new ArrayList<>();
    private final ExecutorService executor;
    private final InetSocketAddress address;
    /** Where to serve the same routes locally too; null for TCP only. */
    private volatile LocalApiSockets localSockets;
    /** The same routes on a local socket, once {@link #start} made one. */
    private volatile UnixApiServer local;

    /** An HTTPS server, TLS 1.3 only, presenting the certificate of {@code tls} (see {@link ApiTls.ServerTls}). */
    public ApiServer(String host, int port, String token, String name, SSLContext tls) throws IOException {
        this.server = HttpsServer.create();
        this.address = new InetSocketAddress(host, port);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setProtocols(new String[] {ApiTls.PROTOCOL});
                params.setSSLParameters(parameters);
            }
        });
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.name = name;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, name + "-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    public ApiServer open(String method, String path, Handler handler) {
        routes.add(new Route(method, path, true, handler));
        return this;
    }

    public ApiServer secured(String method, String path, Handler handler) {
        routes.add(new Route(method, path, false, handler));
        return this;
    }

    /**
     * Binds the TCP port and starts serving; with {@link #serveLocally}, the local socket too. On a
     * port given in advance (an instance's, which the controller calls as soon as it started the
     * process) the socket has its public name before the port is bound: a caller that reaches the
     * port always finds the socket, and never pays the TLS handshake of a call that came a moment
     * too early. On a port the kernel picks, nobody can call before this returns, and the socket is
     * named once it is known. A socket file there whose server stopped is replaced; one whose server
     * still listens is left alone. A local socket that cannot be made (a path too long for one, say)
     * leaves the TCP port alone serving, and callers use that.
     *
     * @throws IOException the port is taken, or cannot be bound
     */
    public void start() throws IOException {
        boolean portKnown = address.getPort() != 0;
        UnixApiServer unix = localSockets != null && portKnown ? startLocally(address.getPort()) : null;
        try {
            server.bind(address, BACKLOG);
        } catch (IOException | RuntimeException e) {
            if (unix != null) {
                unix.close();
            }
            throw e;
        }
        if (localSockets != null && !portKnown) {
            unix = startLocally(port());
        }
        local = unix;
        server.start();
    }

    /** The local socket for {@code port}; null, and TCP alone serving, when there can be none. */
    private UnixApiServer startLocally(int port) {
        Path socket = localSockets.path(port);
        if (!LocalApiSockets.fits(UnixApiServer.privatePath(socket))) {
            LOG.info("the API is served on TCP only: the path {} is too long for a local socket", socket);
            return null;
        }
        try {
            return UnixApiServer.start(socket, name, this::answer);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the API is served on TCP only: no local socket at {}: {}", socket, e.getMessage());
            return null;
        }
    }

    /**
     * Serves the same routes to pgset's own processes on a Unix-domain socket as well, at
     * {@code sockets.path(port)} (see {@link LocalApiSockets}), from {@link #start} until
     * {@link #close}.
     */
    public ApiServer serveLocally(LocalApiSockets sockets) {
        this.localSockets = sockets;
        return this;
    }

    /** Whether the local socket serves (see {@link #serveLocally}). */
    public boolean servesLocally() {
        return local != null;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            send(exchange, answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
        }
    }

    /**
     * The answer to one request, whichever way it came (HTTPS, or the local socket of
     * {@link #serveLocally}): its route's, or a 404, or a 401 when a secured route lacks the token.
     */
    Response answer(String method, String path, String authorization, byte[] body) {
        Route route = routes.stream().filter(r -> r.path.equals(path) && r.method.equals(method))
                .findFirst().orElse(null);
        if (route == null) {
            return Response.text(404, "no route " + method + " " + path + "\n");
        }
        if (!route.open && !authorized(authorization, token)) {
            return Response.text(401, "a bearer token is required\n");
        }
        return handle(route, body);
    }

    /** Writes a whole response: its type, its length, its body. */
    public static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.code(), response.body().length == 0 ? -1 : response.body().length);
        if (response.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
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

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
