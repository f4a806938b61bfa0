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

    /** A warm daemon that says it started, then writes the line it is handed to {@code <pod dir>/handed}. */
    public static final class LineTaker {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(System.getProperty("pgset.marker").substring("--pod-dir=".length()));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("started"), "");
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            Files.writeString(dir.resolve("handed"), String.valueOf(line));
            Thread.sleep(60_000);
        }
    }

    @Test
    void detachedDaemonIsNoChildOfTheCommandThatStartedIt(@TempDir Path dir) throws Exception {
        String marker = "--pod-dir=" + dir.resolve("pods/demo-0");
        Process process = launcher(Sleeper.class).detach().start(List.of("ignored", marker), dir.resolve("log/sleeper.log"));
        try {
            assertThat(process.isAlive()).isTrue();
            assertThat(process.toHandle().info().commandLine()).hasValueSatisfying(c -> assertThat(c).contains(marker));
            // Nothing of this JVM waits on it: the shell that started it has ended, and it has another parent.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(ProcessHandle.current().children()).isEmpty());
            assertThat(process.toHandle().parent().map(ProcessHandle::pid)).isNotEqualTo(
                    java.util.Optional.of(ProcessHandle.current().pid()));
            // In a session of its own, and taking SIGINT as any process does (not ignored, as a
            // shell's background job would have it).
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            assertThat(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]).isEqualTo(Long.toString(process.pid()));
            long ignored = Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("SigIgn:")).map(l -> Long.parseLong(l.substring(7).strip(), 16))
                    .findFirst().orElseThrow();
            assertThat(ignored & (1L << 1)).as("SIGINT ignored").isZero();
        } finally {
            process.destroyForcibly();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    }

    @Test
    void detachedWarmDaemonGetsItsHandoverLongAfterItStarted(@TempDir Path dir) throws Exception {
        Path podDir = dir.resolve("pods/demo-0");
        Process process = launcher(LineTaker.class).detach().startWarm("--pod-dir=" + podDir, dir.resolve("jvm.log"));
        try {
            // By the time the JVM runs its main, a shell that had not waited would long have closed the pipe.
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(podDir.resolve("started")));
            assertThat(ProcessHandle.current().children()).as("the shell keeping the pipe").hasSize(1);
            try (var in = process.getOutputStream()) {
                in.write("handover\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(podDir.resolve("handed")).hasContent("handover"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(ProcessHandle.current().children()).as("the shell, once the pipe is closed").isEmpty());
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void detachedStartOfAMissingProgramSaysSo(@TempDir Path dir) throws Exception {
        Launcher launcher = new Launcher(List.of(dir.resolve("no-such-java").toString(), "-cp", "x", "Main")).detach();
        Process process = launcher.start(List.of("--pod-dir=" + dir), dir.resolve("log/missing.log"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
        assertThat(dir.resolve("log/missing.log")).content().contains("no-such-java");
    }

    private static Launcher launcher(Class<?> main) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new Launcher(List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
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
