package io.pgset.local.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pgset.instance.ApiServer;
import io.pgset.instance.ApiServer.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The dashboard's web server, on the loopback address only. The page (HTML, script, style, all
 * from the jar) holds no data and needs no token; the data does. The token travels in the URL's
 * fragment, which browsers never send, and the page's script sends it back as an
 * {@code Authorization} header: it never appears in a request line, a log or a Referer.
 *
 * <ul>
 *   <li>{@code GET /}, {@code /dashboard.js}, {@code /dashboard.css}: the page;</li>
 *   <li>{@code GET /api/stream}: server-sent events, one {@link Frame} per {@code data:} line,
 *       once a second and at once when the primary or a readiness changes;</li>
 *   <li>{@code GET /api/frame}: the current frame, once.</li>
 * </ul>
 * A request whose {@code Host} is not this server's loopback address is refused, so a web page
 * that rebinds its own name to 127.0.0.1 cannot read it either.
 */
public final class DashboardServer implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.controller");
    /** Pages streaming at once; each holds a thread. */
    static final int STREAMS = 4;
    private static final long KEEPALIVE_MILLIS = 2_000;
    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                    + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "Referrer-Policy", "no-referrer",
            "X-Content-Type-Options", "nosniff",
            "Cache-Control", "no-store");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Semaphore streams = new Semaphore(STREAMS);
    private final Dashboard dashboard;
    private final byte[] authorization;
    private final Map<String, Response> assets;
    private final String cluster;

    public DashboardServer(String loopback, String token, Dashboard dashboard, String cluster) throws IOException {
        this.dashboard = dashboard;
        this.cluster = cluster;
        this.authorization = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.assets = Map.of("/", asset("index.html", "text/html; charset=utf-8"),
                "/dashboard.js", asset("dashboard.js", "text/javascript; charset=utf-8"),
                "/dashboard.css", asset("dashboard.css", "text/css; charset=utf-8"));
        this.server = HttpServer.create(new InetSocketAddress(loopback, 0), 16);
        this.executor = Executors.newFixedThreadPool(STREAMS + 4, r -> {
            Thread t = new Thread(r, "dashboard-" + cluster);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    private static Response asset(String name, String type) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the dashboard's " + name + " is missing from the jar");
            }
            return new Response(200, type, in.readAllBytes());
        }
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            HEADERS.forEach(exchange.getResponseHeaders()::set);
            String path = exchange.getRequestURI().getPath();
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (!DashboardRequests.loopbackHost(host, port())) {
                ApiServer.send(exchange, Response.text(421, "this dashboard answers only at 127.0.0.1:" + port()
                        + " or localhost:" + port() + "\n"));
            } else if (!exchange.getRequestMethod().equals("GET")) {
                ApiServer.send(exchange, Response.text(405, "only GET is served here\n"));
            } else if (assets.containsKey(path)) {
                ApiServer.send(exchange, assets.get(path));
            } else if (!path.equals("/api/stream") && !path.equals("/api/frame")) {
                ApiServer.send(exchange, Response.text(404, "no page " + path + "\n"));
            } else if (!ApiServer.authorized(exchange.getRequestHeaders().getFirst("Authorization"), authorization)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                ApiServer.send(exchange, Response.text(401, "the cluster's API token is required (Authorization:"
                        + " Bearer); `pgset dashboard " + cluster + "` prints a URL that carries it\n"));
            } else if (path.equals("/api/frame")) {
                frame(exchange);
            } else {
                stream(exchange);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is closing
        }
    }

    private void frame(HttpExchange exchange) throws IOException, InterruptedException {
        Dashboard.Published frame = dashboard.next(0, 0);
        if (frame.version() == 0) {
            ApiServer.send(exchange, Response.text(503, "the controller has not published a status yet; try again"
                    + " in a second\n"));
        } else {
            ApiServer.send(exchange, new Response(200, "application/json", frame.json()));
        }
    }

    /** Server-sent events until the page goes away or the server closes. */
    private void stream(HttpExchange exchange) throws IOException, InterruptedException {
        if (!streams.tryAcquire()) {
            ApiServer.send(exchange, Response.text(503, STREAMS + " dashboard pages are open already; close one\n"));
            return;
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            long sent = 0;
            while (!Thread.currentThread().isInterrupted()) {
                Dashboard.Published frame = dashboard.next(sent, KEEPALIVE_MILLIS);
                if (frame.version() > sent) {
                    out.write(DashboardRequests.event(frame.json()));
                    sent = frame.version();
                } else {
                    out.write(": waiting for the controller\n\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("cluster={} a dashboard page went away: {}", cluster, e.toString());
        } finally {
            streams.release();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
