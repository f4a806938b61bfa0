package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.local.ClusterHome;
import io.pgset.local.Launcher;
import io.pgset.local.WarmInstances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The controller's warm instance JVMs, run from the daemons' jar as the controller runs them: one
 * becomes exactly the daemon it is handed; one never handed anything goes away and leaves nothing
 * behind, whether the controller closes it or dies (its pipe closes).
 */
class WarmInstancesIT extends PerTestHome {

    @Test
    void warmJvmRunsWhatItIsHandedWithItsOutputInTheGivenLog() throws Exception {
        ClusterHome cluster = cluster();
        try (WarmInstances warm = new WarmInstances(Launcher.ofCurrentJvm(Main.MAIN_CLASS), cluster)) {
            warm.prepare("demo-1");
            // the daemons' jar holds the daemons' commands (and their --version), not every command
            assertThat(warm.handOver("demo-2", List.of("instance", "--version"), cluster.podLog("demo-2")))
                    .as("no warm JVM was prepared for demo-2").isEmpty();

            Optional<Process> handed = warm.handOver("demo-1", List.of("instance", "--version"), cluster.podLog("demo-1"));

            assertThat(handed).isPresent();
            assertThat(handed.get().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(handed.get().exitValue()).isZero();
            assertThat(Files.readString(cluster.podLog("demo-1"))).contains("pgset ");
        }
    }

    @Test
    void unusedWarmJvmsExitWhenClosedOrWhenTheirControllerGoesAndLeaveNothing() throws Exception {
        ClusterHome cluster = cluster();
        WarmInstances warm = new WarmInstances(Launcher.ofCurrentJvm(Main.MAIN_CLASS), cluster);
        warm.prepare("demo-1");
        warm.prepare("demo-2");
        List<ProcessHandle> started = warmJvms();
        assertThat(started).hasSize(2);

        warm.close();
        warm.prepare("demo-3"); // a closed one starts no more

        for (ProcessHandle p : started) {
            assertThat(p.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        }
        assertThat(warmJvms()).isEmpty();

        // A controller that dies closes the pipe the warm JVM waits on: it exits by itself, and cleanly.
        Process orphan = Launcher.ofCurrentJvm(Main.MAIN_CLASS).startWarm("--pod-dir=" + cluster.pod("demo-1"),
                cluster.controllerLog());
        orphan.getOutputStream().close();
        assertThat(orphan.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(orphan.exitValue()).isZero();

        try (Stream<Path> files = Files.walk(cluster.dir())) {
            assertThat(files.filter(f -> !f.equals(cluster.dir())).toList())
                    .as("a warm JVM writes nothing; its JVM's own messages would go to the controller's log")
                    .containsOnly(cluster.controllerLog());
        }
    }

    private ClusterHome cluster() throws Exception {
        ClusterHome cluster = ClusterHome.of(home.dir, "demo");
        Files.createDirectories(cluster.dir());
        return cluster;
    }

    private List<ProcessHandle> warmJvms() {
        return home.processes().stream()
                .filter(p -> p.info().commandLine().orElse("").contains("-D" + WarmInstances.PROPERTY + "=")).toList();
    }
}
