package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

    /** Stays alive long enough to be looked at. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(60_000);
        }
    }

    @Test
    void processWithAClassPathLongerThanWhatTheJdkReadsIsStillFoundByItsMarker(@TempDir Path dir) throws Exception {
        // A class path of 6000+ bytes, as Maven builds for the ITs in a deep checkout.
        String padding = String.join(":", java.util.Collections.nCopies(200, dir.resolve("no-such-jar-0123456789.jar").toString()));
        String classPath = padding + ":" + System.getProperty("java.class.path");
        assertThat(classPath.length()).isGreaterThan(4096);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Launcher launcher = new Launcher(List.of(java, "-cp", classPath, Sleeper.class.getName()));

        String marker = "--pod-dir=" + dir.resolve("pods/demo-0");
        Process process = launcher.start(List.of("ignored", marker), dir.resolve("log/sleeper.log"));
        try {
            Path pidFile = dir.resolve("pid");
            Files.writeString(pidFile, process.pid() + "\n");
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                    assertThat(Processes.alive(pidFile, marker)).as("process %d found by its marker", process.pid())
                            .isPresent());
            assertThat(Processes.alive(pidFile, "--pod-dir=" + dir.resolve("pods/demo-1"))).isEmpty();
        } finally {
            process.destroyForcibly();
        }
    }
}
