package io.pgset.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstanceOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a pod's instance manager is given for spec.backup and spec.bootstrap.recovery. */
class PodBackupsTest {

    private static final ClusterSpec SOURCE = spec("shop", "  backup: {}\n");
    private static final ClusterSpec RECOVERED = spec("fresh",
            "  bootstrap: {recovery: {source: {cluster: shop}, target: {immediate: true}}}\n  backup: {}\n");

    @Test
    void everyPodArchivesIntoTheMountedClaim() {
        InstanceOptions options = PodInstance.withBackups(options(SOURCE, 1, false), name -> Optional.empty());
        assertThat(options.backups()).contains(Path.of("/var/lib/pgset-backups/repository"));
        assertThat(options.restoreSource()).isEmpty();
    }

    @Test
    void onlyTheFirstInstanceOfANewRecoveredClusterRestores() {
        Map<String, ClusterSpec> clusters = Map.of("shop", SOURCE);
        InstanceOptions first = PodInstance.withBackups(options(RECOVERED, 0, true),
                name -> Optional.ofNullable(clusters.get(name)));
        assertThat(first.restoreSource()).hasValueSatisfying(r -> {
            assertThat(r.stanza()).isEqualTo("shop");
            assertThat(r.repository()).isEqualTo(new PosixRepository("local", ""));
            assertThat(r.defaultPosixPath()).isEqualTo(Path.of("/var/lib/pgset-source-backups/repository"));
        });
        assertThat(first.backups()).contains(Path.of("/var/lib/pgset-backups/repository"));
        // The recorded primary restarting, and replicas, never restore: their data is the new cluster's.
        assertThat(PodInstance.withBackups(options(RECOVERED, 0, false), name -> Optional.of(SOURCE)).restoreSource())
                .isEmpty();
        assertThat(PodInstance.withBackups(options(RECOVERED, 1, false), name -> Optional.of(SOURCE)).restoreSource())
                .isEmpty();
    }

    @Test
    void aSourceWithAnInvalidSpecIsNamedWithWhatToDo() {
        assertThatThrownBy(() -> PodInstance.withBackups(options(RECOVERED, 0, true),
                name -> Optional.of(SpecReader.read("kind: nonsense"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.bootstrap.recovery.source.cluster: the spec of PostgresCluster prod/shop"
                        + " is invalid, so its repository is unknown; fix it first");
    }

    private static InstanceOptions options(ClusterSpec spec, int ordinal, boolean newDatabase) {
        return new InstanceOptions(spec, ordinal, "10.0.0.1", 5432, 8008, Path.of("/var/lib/pgset"),
                Path.of("/etc/pgset/secrets"), Optional.empty(), newDatabase, Optional.empty(), "prod",
                PodInstance.PEERS, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static ClusterSpec spec(String name, String body) {
        return SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: " + name
                + "}\nspec:\n" + body);
    }
}
