package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import org.junit.jupiter.api.Test;

/** Outputs as pgBackRest 2.45 prints them against s3proxy and a posix directory. */
class PgBackRestErrorsTest {

    private static final ClusterSpec SPEC = SpecReader.read("""
            apiVersion: pgset.io/v1alpha1
            kind: PostgresCluster
            metadata: {name: demo}
            spec:
              backup:
                repositories:
                  - {name: offsite, type: s3, endpoint: "localhost:9443", bucket: bkp, region: us-east-1,
                     credentials: {file: /etc/pgset/offsite.keys}, caFile: /etc/pgset/ca.pem}
                  - {name: nas, path: /mnt/nas}
            """);

    @Test
    void aRefusedConnectionNamesTheEndpointField() {
        assertThat(PgBackRestErrors.explain(SPEC, 1, "ERROR: [039]: HostConnectError: unable to connect to"
                + " 'localhost:9443': [111] Connection refused")).contains("repository 1 (offsite): nothing answers at"
                + " localhost:9443: check spec.backup.repositories[0].endpoint and that the S3 server is up and"
                + " reachable from this machine");
    }

    @Test
    void aForbiddenRequestPointsAtTheSecretsFile() {
        assertThat(PgBackRestErrors.explain(SPEC, 1, "ERROR: [039]: HTTP request failed with 403 (Forbidden):"))
                .contains("repository 1 (offsite): the S3 server at localhost:9443 refused the keys: check accessKeyId"
                        + " and secretAccessKey in /etc/pgset/offsite.keys (spec.backup.repositories[0].credentials"
                        + ".file), and that they may write to bucket bkp");
    }

    @Test
    void anUntrustedCertificatePointsAtTheCaFile() {
        assertThat(PgBackRestErrors.explain(SPEC, 1, "ERROR: [095]: unable to verify certificate presented by"
                + " 'localhost:9443': [18] self-signed certificate")).get().asString()
                .contains("spec.backup.repositories[0].caFile");
    }

    @Test
    void aMissingBucketSaysToCreateIt() {
        assertThat(PgBackRestErrors.explain(SPEC, 1, "ProtocolError] HTTP request failed with 404 (Not Found)"))
                .get().asString().contains("bucket bkp was not found at localhost:9443: create it");
    }

    @Test
    void anUnwritablePosixRepositoryNamesItsPath() {
        assertThat(PgBackRestErrors.explain(SPEC, 2, "ERROR: [047]: unable to create path '/mnt/nas/1/archive':"
                + " [13] Permission denied")).contains("repository 2 (nas) cannot be written by the postgres user:"
                + " check the owner and mode of /mnt/nas (spec.backup.repositories[1].path)");
    }

    @Test
    void saysNothingItCannotExplain() {
        assertThat(PgBackRestErrors.explain(SPEC, 1, "ERROR: [056]: unable to find primary cluster")).isEmpty();
        assertThat(PgBackRestErrors.explain(SPEC, 3, "HostConnectError")).isEmpty();
    }
}
