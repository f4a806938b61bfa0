package io.pgset.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.model.BackupSpec.S3Repository;
import io.pgset.core.spec.SpecReader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which repository a recovery reads, from the source's spec or, when the source is gone, its default. */
class RecoveryRepositoryTest {

    private static final ClusterSpec SOURCE = spec("shop", """
              backup:
                repositories:
                  - {name: local}
                  - {name: offsite, type: s3, endpoint: s3.example.com, bucket: shop-backups, region: r1,
                     credentials: {secretName: shop-s3}}
            """);

    @Test
    void theSourcesFirstRepositoryByDefault() {
        assertThat(RecoveryRepository.choose(source("{cluster: shop}"), Optional.of(SOURCE)))
                .isEqualTo(new PosixRepository("local", ""))
                .matches(RecoveryRepository::atSourceDefault);
    }

    @Test
    void aNamedRepositoryAsTheSourceDescribesIt() {
        assertThat(RecoveryRepository.choose(source("{cluster: shop, repository: offsite}"), Optional.of(SOURCE)))
                .isInstanceOfSatisfying(S3Repository.class,
                        s3 -> assertThat(s3.credentials().secretName()).isEqualTo("shop-s3"))
                .matches(repository -> !RecoveryRepository.atSourceDefault(repository));
    }

    @Test
    void aDeletedSourceIsReadFromItsDefaultPosixRepository() {
        assertThat(RecoveryRepository.choose(source("{cluster: gone}"), Optional.empty()))
                .isEqualTo(new PosixRepository("local", ""));
        assertThat(RecoveryRepository.choose(source("{cluster: gone, repository: nightly}"), Optional.empty()))
                .isEqualTo(new PosixRepository("nightly", ""));
    }

    @Test
    void anUnknownRepositoryOrASourceWithoutBackupNamesTheFieldToChange() {
        assertThatThrownBy(() -> RecoveryRepository.choose(source("{cluster: shop, repository: tape}"),
                Optional.of(SOURCE))).hasMessage("spec.bootstrap.recovery.source.repository: cluster shop has no"
                        + " repository tape; its repositories are [local, offsite] (leave it out for the first)");
        assertThatThrownBy(() -> RecoveryRepository.choose(source("{cluster: plain}"), Optional.of(spec("plain", ""))))
                .hasMessageStartingWith("spec.bootstrap.recovery.source.cluster: cluster plain has no spec.backup");
    }

    private static RecoverySource source(String source) {
        return spec("fresh", "  bootstrap: {recovery: {source: " + source + "}}\n").bootstrap().recovery()
                .orElseThrow().source();
    }

    private static ClusterSpec spec(String name, String body) {
        return SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: " + name
                + "}\nspec:\n" + body);
    }
}
