package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

    /** A shell that waits a minute with its last argument on its command line (";:" keeps sh from exec'ing sleep). */
    private static final String LINGER = "sh -c 'sleep 60; :' sh";

    @Test
    void anExitedProcessNobodyReapedYetHasEnded() throws Exception {
        // sleep 30 never reaps its child, as a slow init does not: the short sleep stays a zombie.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 2 & exec sleep 30").start();
        try {
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> parent.toHandle().children().findAny().isPresent());
            ProcessHandle child = parent.toHandle().children().findFirst().orElseThrow();
            assertThat(Processes.ended(child)).as("while it sleeps").isFalse();

            assertThat(Processes.awaitExit(child, Duration.ofSeconds(10))).isTrue();

            assertThat(child.isAlive()).as("the JDK counts a zombie as alive").isTrue();
            assertThat(Processes.ended(child)).isTrue();
            assertThat(Processes.ended(parent.toHandle())).isFalse();
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void anArgumentNamesTheVolumeOnlyAsAPathInIt() {
        String volume = "/h/clusters/demo/volumes/data-demo-1";
        assertThat(Processes.names("-D", volume)).isFalse();
        assertThat(Processes.names(volume + "/pgdata.clone", volume)).isTrue();
        assertThat(Processes.names("--pg1-path=" + volume + "/pgdata.clone", volume)).isTrue();
        assertThat(Processes.names("host=x passfile=" + volume + "/replication.pgpass sslmode=disable", volume)).isTrue();
        assertThat(Processes.names(volume, volume)).isTrue();
        assertThat(Processes.names("/h/clusters/demo/volumes/data-demo-10/pgdata", volume)).as("a sibling").isFalse();
    }

    @Test
    void onlyTheDeadLeadersGroupMembersThatNameTheVolumeAreKilled(@TempDir Path dir) throws Exception {
        Path volume = Files.createDirectories(dir.resolve("data-demo-1"));
        // A group whose leader exits at once, leaving a member that names the volume and one that does not.
        Process leader = new ProcessBuilder("setsid", "sh", "-c", LINGER + " " + volume + "/pgdata.clone & "
                + LINGER + " elsewhere & exit 0").start();
        leader.waitFor();
        long group = leader.pid();
        Path pidFile = Files.writeString(dir.resolve("pid"), group + "\n");
        ProcessHandle naming = member(group, true, volume);
        ProcessHandle other = member(group, false, volume);
        // A process outside the group that names the volume, as a person's command might.
        Process outsider = new ProcessBuilder("setsid", "sh", "-c", "sleep 60; :", "sh", volume.toString()).start();
        try {
            Processes.stopOrphanTools(pidFile, volume);

            assertThat(Processes.ended(naming)).isTrue();
            assertThat(other.isAlive()).as("names no volume").isTrue();
            assertThat(outsider.isAlive()).as("not of the dead instance manager's group").isTrue();
        } finally {
            for (long stray : new long[] {group, outsider.pid()}) {
                new ProcessBuilder("kill", "-KILL", "--", "-" + stray).start().waitFor();
            }
        }
    }

    private static ProcessHandle member(long group, boolean namesVolume, Path volume) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .filter(p -> Processes.processGroup(p.pid()) == group)
                .filter(p -> p.info().commandLine().map(c -> c.contains(volume.toString()) == namesVolume).orElse(false))
                .findFirst().orElse(null), Objects::nonNull);
    }
}
