package io.pgset.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.RestoreSource;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A pod's recovery reads the source's default posix repository from the source's claim. */
class RestoreSourcesTest {

    private static final ClusterSpec SOURCE = spec("shop", "  backup: {repositories: [{name: local}]}\n");

    @Test
    void theSourcesFirstRepositoryByDefaultOnItsClaim() {
        RestoreSource restore = RestoreSources.restoreSource(recovery("{cluster: shop, systemIdentifier: \"42\"}",
                "{lsn: 0/3000060}"), Optional.of(SOURCE));
        assertThat(restore.stanza()).isEqualTo("shop");
        assertThat(restore.repository()).isEqualTo(new PosixRepository("local", ""));
        assertThat(RestoreSources.onSourceClaim(restore.repository())).isTrue();
        assertThat(restore.defaultPosixPath()).isEqualTo(Path.of("/var/lib/pgset-source-backups/repository"));
        assertThat(restore.systemIdentifier()).isEqualTo("42");
        assertThat(restore.target().value()).isEqualTo("0/3000060");
    }

    private static RecoverySpec recovery(String source, String target) {
        return spec("fresh", "  bootstrap: {recovery: {source: " + source + ", target: " + target + "}}\n")
                .bootstrap().recovery().orElseThrow();
    }

    private static ClusterSpec spec(String name, String body) {
        return SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: " + name
                + "}\nspec:\n" + body);
    }
}
