package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Volumes follow storage.retain*, and a lost one is never quietly replaced by a new database. */
class VolumesIT extends PerTestHome {

    @Test
    void scaleDownDeletesVolumesWhenRetainOnScaleDownIsFalse() throws Exception {
        Path file = home.dir.resolve("lean.yaml");
        Files.writeString(file, """
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: lean}
                spec:
                  instances: 2
                  storage: {retainOnScaleDown: false}
                """);
        home.pgset("up", "-f", file.toString()).ok();
        Path volumes = home.cluster("lean").resolve("volumes");
        assertThat(volumes.resolve("data-lean-1")).exists();
        home.pgset("scale", "lean", "--instances", "1").ok();
        assertThat(volumes.resolve("data-lean-1")).doesNotExist();
        assertThat(volumes.resolve("data-lean-0")).exists();
        assertThat(home.status("lean").path("volumes")).hasSize(1);
    }

    @Test
    void lostPrimaryVolumeIsReportedNotReinitialized() throws Exception {
        Path file = home.dir.resolve("two.yaml");
        Files.writeString(file, """
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: two}
                spec: {instances: 2}
                """);
        home.pgset("up", "-f", file.toString()).ok();
        home.pgset("down", "two").ok();
        Path volume = home.cluster("two").resolve("volumes/data-two-0");
        try (Stream<Path> paths = Files.walk(volume)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        PgsetHome.Result up = home.pgset("up", "two", "--timeout", "15");
        assertThat(up.exit()).isNotZero();
        assertThat(up.err() + up.out()).contains("refusing to create a new, different database");
        assertThat(volume.resolve("pgdata/PG_VERSION")).doesNotExist();
        assertThat(home.cluster("two").resolve("volumes/data-two-1/pgdata/PG_VERSION")).exists();
    }
}
