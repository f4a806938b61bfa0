package io.pgset.local.dashboard;

import static io.pgset.local.dashboard.Statuses.cluster;
import static io.pgset.local.dashboard.Statuses.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's server on a free loopback port, fed statuses by hand as the controller feeds it. */
class DashboardServerTest {

    private static final String TOKEN = "the-token";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Dashboard dashboard = new Dashboard(new RecentEvents(e -> { }, Clock.systemUTC()));
    private DashboardServer server;

    @BeforeEach
    void start() throws Exception {
        server = new DashboardServer("127.0.0.1", TOKEN, dashboard, "demo");
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageIsServedFromTheJarWithoutDataAndWithAPolicyThatLoadsNothingFromElsewhere() throws Exception {
        dashboard.observe(cluster("demo-0", pod("demo-0", "primary", 0, 1, 1)), 1L << 30, System.currentTimeMillis());

        HttpResponse<String> page = get("/");
        HttpResponse<String> script = get("/dashboard.js");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/dashboard.js\"").doesNotContain("demo-0", "http://", "https://");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'"));
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(get("/dashboard.css").statusCode()).isEqualTo(200);
    }

    @Test
    void dataWithoutTheTokenOrWithAWrongOneIs401AndCarriesNothing() throws Exception {
        dashboard.observe(cluster("demo-0", pod("demo-0", "primary", 0, 1, 1)), 1L << 30, System.currentTimeMillis());

        for (String path : List.of("/api/frame", "/api/stream")) {
            HttpResponse<String> none = get(path);
            HttpResponse<String> wrong = get(path, "Authorization", "Bearer not-the-token");
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(none.body() + wrong.body()).doesNotContain("demo-0").contains("pgset dashboard demo");
        }
    }

    @Test
    void anotherHostNameIsRefusedEvenWithTheToken() throws Exception {
        dashboard.observe(cluster("demo-0", pod("demo-0", "primary", 0, 1, 1)), 1L << 30, System.currentTimeMillis());
        // What a page that rebinds its own name to 127.0.0.1 would send: the JDK client lets Host be set
        // only when it is told to allow restricted headers, so the request is written by hand.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /api/frame HTTP/1.1\r\nHost: rebound.example:" + server.port()
                    + "\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 421").doesNotContain("demo-0");
        }
    }

    @Test
    void theStreamSendsTheCurrentFrameThenANewPrimaryWithoutWaitingForTheTick() throws Exception {
        long now = System.currentTimeMillis();
        dashboard.observe(cluster("demo-0", pod("demo-0", "primary", 0, 1, 1), pod("demo-1", "replica", 0, 0, 1)),
                1L << 30, now);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/stream"))
                .header("Authorization", "Bearer " + TOKEN).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(nextData(events)).contains("\"primary\":\"demo-0\"");

            // 100 ms later: within the tick, but who is primary changed, so it goes out at once.
            dashboard.observe(cluster("demo-1", pod("demo-0", "replica", 0, 0, 1), pod("demo-1", "primary", 0, 1, 1)),
                    1L << 30, now + 100);

            assertThat(nextData(events)).contains("\"primary\":\"demo-1\"");
        }
    }

    /** The next {@code data:} line of the stream, skipping keep-alive comments. */
    private static String nextData(BufferedReader events) throws Exception {
        List<String> skipped = new ArrayList<>();
        for (String line = events.readLine(); line != null; line = events.readLine()) {
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
            skipped.add(line);
        }
        throw new AssertionError("the stream ended; it sent only " + skipped);
    }
}
