package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client's selector threads, which would hold up the JVM's exit, end before it. Run in a
 * JVM of its own: stopping the selectors of this test JVM would break other tests' clients.
 */
class ProcessExitTest {

    @Test
    void httpClientSelectorThreadsEndBeforeTheExit() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process probe = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName())).redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(probe.waitFor()).as(out).isZero();
        assertThat(out).as("selector threads after a request, then after they were stopped")
                .contains("answered 200", "selectors before: 1", "selectors after: 0");
    }

    /** One request with a JDK HTTP client to a server of its own, then the selectors stopped. */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                    new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/")).build(), HttpResponse.BodyHandlers.discarding());
            System.out.println("answered " + answer.statusCode());
            System.out.println("selectors before: " + selectors());
            ProcessExit.stopHttpSelectors();
            System.out.println("selectors after: " + selectors());
            server.stop(0);
        }

        private static long selectors() {
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().endsWith("-SelectorManager")).count();
        }
    }
}
