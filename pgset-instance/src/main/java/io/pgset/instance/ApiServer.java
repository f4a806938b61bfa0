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

    private final HttpsServer server;
    private final byte[] token;
    private final List<Route> routes = new ArrayList<>();
    private final ExecutorService executor;

    /** An HTTPS server, TLS 1.3 only, presenting the certificate of {@code tls} (see {@link ApiTls.ServerTls}). */
    public ApiServer(String host, int port, String token, String name, SSLContext tls) throws IOException {
        this.server = HttpsServer.create(new InetSocketAddress(host, port), 32);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setProtocols(new String[] {ApiTls.PROTOCOL});
                params.setSSLParameters(parameters);
            }
        });
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
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

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Route route = routes.stream()
                    .filter(r -> r.path.equals(path) && r.method.equals(exchange.getRequestMethod()))
                    .findFirst().orElse(null);
            Response response;
            if (route == null) {
                response = Response.text(404, "no route " + exchange.getRequestMethod() + " " + path + "\n");
            } else if (!route.open && !authorized(exchange)) {
                response = Response.text(401, "a bearer token is required\n");
            } else {
                response = handle(route, exchange.getRequestBody().readAllBytes());
            }
            send(exchange, response);
        }
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

    private boolean authorized(HttpExchange exchange) {
        return authorized(exchange.getRequestHeaders().getFirst("Authorization"), token);
    }

    /** Whether an {@code Authorization} header is exactly the expected one, compared in constant time. */
    public static boolean authorized(String header, byte[] expected) {
        return header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
