package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica's volume on a small filesystem of its own (a tmpfs the test mounts, as root) fills up
 * while the primary writes: status says "volume full" for that instance, the primary goes on
 * serving, and once space is freed the replica recovers by itself with every row.
 */
class DiskFullIT extends PerTestHome {

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            home.stopProcesses(); // the instance must be gone before its filesystem can go
            // and its killed postmaster's segment released while its postmaster.pid can still be read
            io.pgset.instance.LeftoverSharedMemory.releaseUnder(mounted);
            run("umount", "-l", mounted.toString());
        }
    }

    @Test
    void aFullVolumeIsReportedTheOthersServeAndItRecoversOnceSpaceIsFreed() throws Exception {
        assumeThat(System.getProperty("user.name")).as("mounting a small filesystem needs root").isEqualTo("root");
        Path file = home.specFile("instances: 1");
        home.pgset("up", "-f", file.toString()).ok();
        mounted = home.cluster("demo").resolve("volumes/data-demo-1");
        Files.createDirectories(mounted);
        run("mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", mounted.toString());
        home.pgset("scale", "demo", "--instances", "2").ok();

        // Leave 40 MB free on the replica's volume, then write more than that on the primary.
        Path ballast = mounted.resolve("ballast");
        fill(ballast, Files.getFileStore(mounted).getUsableSpace() - (40L << 20));
        int rw = home.servicePort("demo", "rw");
        execute(rw, "CREATE TABLE filler (id int, pad text)");
        for (int chunk = 0; chunk < 4; chunk++) {
            execute(rw, "INSERT INTO filler SELECT g, repeat('x', 1000) FROM generate_series(" + chunk * 20000 + ", "
                    + (chunk * 20000 + 19999) + ") g");
        }

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            JsonNode replica = home.pod("demo", 1);
            return replica.path("storage").path("full").asBoolean()
                    && replica.path("message").asText().contains("volume full");
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> home.pgset("events", "demo").out().contains("demo-1: volume full"));
        execute(rw, "INSERT INTO filler VALUES (-1, 'written while the replica is full')");
        assertThat(home.pod("demo", 0).path("ready").asBoolean()).as("the primary goes on serving").isTrue();

        Files.delete(ballast);
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
            JsonNode replica = home.pod("demo", 1);
            return replica.path("ready").asBoolean() && !replica.path("storage").path("full").asBoolean()
                    && count(replica.path("port").asInt()) == count(rw);
        });
        assertThat(count(rw)).isEqualTo(80001);
    }

    private void execute(int port, String sql) throws Exception {
        try (Connection c = home.connect("demo", port); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(int port) throws Exception {
        try (Connection c = home.connect("demo", port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM filler")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void fill(Path file, long bytes) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < bytes; written += block.capacity()) {
                block.clear();
                channel.write(block);
            }
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    }
}
