package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.config.S3Keys;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3KeyFilesTest {

    @TempDir
    Path dir;

    private static ClusterSpec withCredentials(String credentials) {
        return SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec:
                  backup:
                    repositories:
                      - {name: local}
                      - {name: offsite, type: s3, endpoint: localhost, bucket: bkp, region: us-east-1,
                         credentials: %s}
                """.formatted(credentials));
    }

    @Test
    void readsTheKeysOfEachS3RepositoryByName() throws IOException {
        Path file = Files.writeString(dir.resolve("offsite.keys"), "accessKeyId=AKID\nsecretAccessKey=SECRET\n");

        assertThat(S3KeyFiles.read(withCredentials("{file: " + file + "}")))
                .isEqualTo(Map.of("offsite", new S3Keys("AKID", "SECRET")));
    }

    @Test
    void aMissingFileNamesTheFieldAndTheFormat() {
        Path file = dir.resolve("missing.keys");

        assertThatThrownBy(() -> S3KeyFiles.read(withCredentials("{file: " + file + "}")))
                .hasMessage("spec.backup.repositories[1].credentials.file: " + file + " does not exist; create it with"
                        + " the two lines accessKeyId=... and secretAccessKey=... (mode 0600)");
    }

    @Test
    void anIncompleteFileSaysWhatIsMissingWithoutItsContent() throws IOException {
        Path file = Files.writeString(dir.resolve("half.keys"), "accessKeyId=AKID\n");

        assertThatThrownBy(() -> S3KeyFiles.read(withCredentials("{file: " + file + "}")))
                .hasMessage("spec.backup.repositories[1].credentials.file: " + file + " is not a secrets file pgset"
                        + " can use: secretAccessKey is missing");
    }

    @Test
    void aKubernetesSecretIsRefusedLocallyWithTheFieldToUseInstead() {
        assertThatThrownBy(() -> S3KeyFiles.read(withCredentials("{secretName: offsite-keys}")))
                .hasMessageStartingWith("spec.backup.repositories[1].credentials.secretName names a Kubernetes Secret,"
                        + " which the local runtime cannot read: set spec.backup.repositories[1].credentials.file");
    }

    @Test
    void aClusterWithoutS3RepositoriesNeedsNoKeys() throws IOException {
        assertThat(S3KeyFiles.read(SpecReader.defaults("demo"))).isEmpty();
    }
}
