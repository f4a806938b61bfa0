package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgset.instance.ApiTls;
import io.pgset.local.Launcher;
import io.pgset.local.LocalClusters;
import io.pgset.local.LocalDashboard;
import io.pgset.local.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.junit.jupiter.api.Test;

/**
 * The live dashboard in a real headless Chromium against a real three-instance cluster: a wrong
 * token shows nothing, the right one shows every instance with its role and clients, and a
 * switchover reaches the open page by itself, without a reload, within two seconds of the
 * controller's status saying so.
 */
class DashboardIT extends PerTestHome {

    private static final Duration SHOWN_WITHIN = Duration.ofSeconds(2);
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    /** One look at the controller's status: when it was asked, when it answered, who was primary. */
    private record Look(long askedAt, long answeredAt, String primary) {}

    @Test
    void theDashboardShowsTheClusterLiveAndASwitchoverWithoutReloadButNothingWithoutTheToken() throws Exception {
        assertThat(home.pgset("dashboard", "demo").err()).contains("no cluster named 'demo'");
        long start = System.nanoTime();
        home.pgset("up").ok();
        long up = System.nanoTime();
        String url = home.pgset("dashboard", "demo").ok().out().strip();
        String token = home.secret("demo", "api-token");
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/#token=.+").endsWith("#token=" + token);
        String page = url.substring(0, url.indexOf('#'));

        try (Chromium chromium = Chromium.start(home.dir.resolve("chromium-profile"))) {
            WebDriver browser = chromium.driver;

            browser.get(page + "#token=not-" + token);
            await().atMost(Duration.ofSeconds(10)).until(() -> problem(browser).contains("refused (401)"));
            assertThat(browser.findElements(By.cssSelector("tr[data-pod]"))).isEmpty();
            assertThat(browser.getPageSource()).doesNotContain("demo-0");

            // What `pgset dashboard --open` hands to xdg-open: a private page that sends the browser on.
            Path opening = LocalDashboard.openingPage(new LocalClusters(home.dir, Launcher.ofCurrentJvm(Main.MAIN_CLASS),
                    System.out), "demo", URI.create(url));
            assertThat(Files.getPosixFilePermissions(opening)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            browser.get("about:blank");
            browser.get(opening.toUri().toString());
            await().atMost(Duration.ofSeconds(10)).until(() -> roles(browser).size() == 3);
            assertThat(roles(browser)).containsExactly("demo-0 primary", "demo-1 replica", "demo-2 replica");
            assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").doesNotContain(token);
            assertThat(problem(browser)).isEmpty();
            // Without storage.size the capacity is what the volume's filesystem has room for.
            assertThat(cell(browser, "demo-0", "volume-cell")).containsPattern(" of [0-9.]+ [KMGT]iB \\([0-9]+%\\)");

            clientsShowOnThePrimary(browser);

            assertSwitchoverShownWithoutReload(browser);
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("events")).getText()
                    .contains("switchover demo-0 -> demo-2"));
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, chromium.driver.getScreenshotAs(OutputType.BYTES));
            for (String log : List.of("controller.log", "events.log")) {
                assertThat(Files.readString(home.cluster("demo").resolve(log))).as(log).doesNotContain(token);
            }
            System.out.printf("DashboardIT: screenshot %s; pgset up took %.1f s, the browser's part %.1f s%n",
                    SCREENSHOT.toAbsolutePath(), (up - start) / 1e9, (System.nanoTime() - up) / 1e9);
        }

        long controller = PgsetHome.JSON.readTree(home.cluster("demo").resolve("controller.json").toFile())
                .path("pid").asLong();
        PgsetHome.signal("KILL", controller);
        // Ended, reaped or not: the controller is no child of this JVM, and init may reap it seconds
        // later, when an instance manager has started a new one.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> ProcessHandle.of(controller).map(Processes::ended).orElse(true));
        PgsetHome.Result stopped = home.pgset("dashboard", "demo");
        assertThat(stopped.exit()).isEqualTo(1);
        assertThat(stopped.err()).contains("cluster demo is not running; start it with `pgset up demo`");
    }

    /** A client through rw that keeps committing: the primary's row counts it and its transactions. */
    private void clientsShowOnThePrimary(WebDriver browser) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ticks (at timestamptz)");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Statement w = c.createStatement()) {
                    while (writing.get()) {
                        w.execute("INSERT INTO ticks VALUES (now())");
                        Thread.sleep(20); // a steady trickle of commits, not a measurement
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> number(cell(browser, "demo-0", "connections")) >= 1
                        && number(cell(browser, "demo-0", "tps")) > 0);
            } finally {
                writing.set(false);
                writer.join();
            }
        }
        assertThat(browser.findElements(By.cssSelector("#chart-tps polyline"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#chart-connections polyline"))).isNotEmpty();
    }

    /**
     * Switches over to demo-2 while looking at the controller's status back to back: the page's
     * delay is at most its time of showing demo-2 less when the last look before the controller
     * said demo-2 was asked, and at least that time less when the first look saying it answered.
     */
    private void assertSwitchoverShownWithoutReload(WebDriver browser) throws Exception {
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.pgsetStillHere = true");
        List<Look> looks = new CopyOnWriteArrayList<>();
        AtomicBoolean looking = new AtomicBoolean(true);
        ControllerApi controller = new ControllerApi();
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (looking.get()) {
                long asked = System.currentTimeMillis();
                String primary = controller.primary();
                looks.add(new Look(asked, System.currentTimeMillis(), primary));
                try {
                    Thread.sleep(25); // the bounds' resolution, without flooding the controller's API
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        try {
            home.pgset("switchover", "demo", "--to", "demo-2").ok();
            await().atMost(Duration.ofSeconds(20)).until(() -> "demo-2".equals(script(browser,
                    "return document.body.dataset.primary")));
            await().atMost(Duration.ofSeconds(5)).until(() -> looks.stream().anyMatch(l -> l.primary().equals("demo-2")));
        } finally {
            looking.set(false);
            watcher.join();
        }
        long shownAt = Long.parseLong(script(browser, "return document.body.dataset.primarySince"));
        int first = 0;
        while (!looks.get(first).primary().equals("demo-2")) {
            first++;
        }
        long saidAtLatest = looks.get(first).answeredAt();
        long saidAtEarliest = first == 0 ? saidAtLatest : looks.get(first - 1).askedAt();
        long atMost = shownAt - saidAtEarliest;
        System.out.printf("DashboardIT: the page showed the new primary %d..%d ms after the controller's status"
                + " did (%d looks at the status)%n", shownAt - saidAtLatest, atMost, looks.size());
        assertThat(first).as("the status said demo-0 or no primary before the switchover").isPositive();
        assertThat(Duration.ofMillis(atMost)).isLessThanOrEqualTo(SHOWN_WITHIN);
        // The old primary rejoins as a replica after the switchover has ended: the page follows it too.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(roles(browser))
                .containsExactly("demo-0 replica", "demo-1 replica", "demo-2 primary"));
        assertThat(script(browser, "return String(window.pgsetStillHere)")).as("no reload").isEqualTo("true");
    }

    /** The controller's {@code GET /status}, asked directly: a look takes milliseconds, not a pgset command's time. */
    private final class ControllerApi {
        private final HttpClient http;
        private final HttpRequest request;

        ControllerApi() throws Exception {
            Path cluster = home.cluster("demo");
            int port = PgsetHome.JSON.readTree(cluster.resolve("controller.json").toFile()).path("apiPort").asInt();
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .sslContext(ApiTls.client(cluster.resolve("secrets/ca.crt"))).build();
            request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/status"))
                    .header("Authorization", "Bearer " + home.secret("demo", "api-token"))
                    .timeout(Duration.ofSeconds(5)).build();
        }

        /** The primary the controller names, or empty when it names none or does not answer. */
        String primary() {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? PgsetHome.JSON.readTree(r.body()).path("primary").asText("") : "";
            } catch (java.io.IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
    }

    /** The instance rows, read in one script: the page may replace them between two calls. */
    @SuppressWarnings("unchecked")
    private static List<String> roles(WebDriver browser) {
        return (List<String>) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#instances tr[data-pod]'))"
                        + ".map(r => r.dataset.pod + ' ' + r.dataset.role)");
    }

    private static String cell(WebDriver browser, String pod, String column) {
        return script(browser, "const c = document.querySelector(\"tr[data-pod='" + pod + "'] td." + column + "\");"
                + " return c ? c.textContent : ''");
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return -1; // "?" or "…": not known yet
        }
    }

    private static String problem(WebDriver browser) {
        WebElement problem = browser.findElement(By.id("problem"));
        return problem.isDisplayed() ? problem.getText() : "";
    }

    private static String script(WebDriver browser, String code) {
        Object value = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(code);
        return value == null ? null : value.toString();
    }
}
