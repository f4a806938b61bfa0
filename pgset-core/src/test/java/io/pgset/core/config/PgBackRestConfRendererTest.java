package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.config.PgBackRestConfRenderer.BackupInstance;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBackRestConfRendererTest {

    private static final String HEADER = """
            apiVersion: pgset.io/v1alpha1
            kind: PostgresCluster
            metadata: {name: demo}
            spec:
            """;
    private static final ClusterSpec TWO_REPOSITORIES = SpecReader.read(HEADER + """
              backup:
                repositories: [{name: local}, {name: nas, path: /mnt/nas/demo}]
                retention: {full: 2}
                archive: {timeoutSeconds: 30}
            """);
    private static final String HOME = "/home/pgset/clusters/demo";
    private static final BackupInstance DEMO_1 = new BackupInstance(HOME + "/data-demo-1/pgdata", 5433,
            HOME + "/data-demo-1/pgbackrest", HOME + "/backups");

    @Test
    void rendersOneStanzaWithRepositoriesUnderTheSystemIdentifier() throws IOException {
        assertThat(PgBackRestConfRenderer.render(TWO_REPOSITORIES, DEMO_1, "7312345678901234567"))
                .isEqualTo(fixture("demo-1.conf"));
    }

    @Test
    void instancesOnOneMachineShareNoLockSpoolOrLogDirectory() {
        BackupInstance demo2 = new BackupInstance(HOME + "/data-demo-2/pgdata", 5434,
                HOME + "/data-demo-2/pgbackrest", HOME + "/backups");

        String conf = PgBackRestConfRenderer.render(TWO_REPOSITORIES, demo2, "7312345678901234567");

        assertThat(conf).contains("lock-path=" + HOME + "/data-demo-2/pgbackrest/lock\n",
                "spool-path=" + HOME + "/data-demo-2/pgbackrest/spool\n",
                "log-path=" + HOME + "/data-demo-2/pgbackrest/log\n");
    }

    @Test
    void neverLetsPgBackRestDropWal() {
        assertThat(PgBackRestConfRenderer.render(TWO_REPOSITORIES, DEMO_1, "1")).doesNotContain("archive-push-queue-max");
    }

    @Test
    void archivesThroughTheInstanceConfigFile() {
        Map<String, String> settings = PgBackRestConfRenderer.archiveSettings(TWO_REPOSITORIES,
                HOME + "/data-demo-1/pgbackrest.conf");

        assertThat(settings).containsExactly(
                Map.entry("archive_mode", "on"),
                Map.entry("archive_command", "pgbackrest '--config=" + HOME + "/data-demo-1/pgbackrest.conf'"
                        + " '--stanza=demo' archive-push %p"),
                Map.entry("restore_command", "pgbackrest '--config=" + HOME + "/data-demo-1/pgbackrest.conf'"
                        + " '--stanza=demo' archive-get %f \"%p\""),
                Map.entry("archive_timeout", "30s"));
    }

    @Test
    void quotesAConfigPathWithAQuoteForTheShell() {
        assertThat(PgBackRestConfRenderer.archiveSettings(TWO_REPOSITORIES, "/o'brien/pgbackrest.conf")
                .get("archive_command")).startsWith("pgbackrest '--config=/o'\\''brien/pgbackrest.conf' ");
    }

    @Test
    void withoutBackupSectionNothingIsArchived() {
        ClusterSpec plain = SpecReader.defaults("demo");

        assertThat(PgBackRestConfRenderer.archiveSettings(plain, "/x.conf")).isEmpty();
        assertThatThrownBy(() -> PgBackRestConfRenderer.render(plain, DEMO_1, "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster=demo");
    }

    private static final ClusterSpec S3_AND_POSIX = SpecReader.read(HEADER + """
              backup:
                repositories:
                  - {name: offsite, type: s3, endpoint: "localhost:9443", bucket: pgset-bkp, region: eu-west-1,
                     path: /clusters/demo/, uriStyle: path, credentials: {file: /etc/pgset/s3.keys},
                     caFile: /etc/pgset/s3-ca.pem}
                  - {name: local}
                retention: {full: 2}
            """);
    private static final Map<String, S3Keys> OFFSITE_KEYS = Map.of("offsite", new S3Keys("AKIDEXAMPLE", "s3cr3t/Key+"));

    @Test
    void rendersAnS3RepositoryWithItsPortCaFileAndKeysBesideAPosixOne() throws IOException {
        assertThat(PgBackRestConfRenderer.render(S3_AND_POSIX, DEMO_1, "7312345678901234567", OFFSITE_KEYS))
                .isEqualTo(fixture("demo-1-s3.conf"));
    }

    @Test
    void anS3EndpointWithoutPortOrCaFileUsesHttpsAndTheSystemAuthorities() {
        ClusterSpec s3 = SpecReader.read(HEADER + """
                  backup:
                    repositories: [{name: offsite, type: s3, endpoint: s3.example.com, bucket: bkp, region: us-east-1,
                                    credentials: {file: /etc/s3.keys}}]
                """);

        String conf = PgBackRestConfRenderer.render(s3, DEMO_1, "42", Map.of("offsite", new S3Keys("a", "b")));

        assertThat(conf).contains("repo1-s3-endpoint=s3.example.com\n", "repo1-path=/pgset/demo/42\n",
                "repo1-s3-port=443\n", "repo1-s3-uri-style=host\n").doesNotContain("repo1-storage-ca-file");
    }

    @Test
    void refusesAnS3RepositoryWithoutKeys() {
        assertThatThrownBy(() -> PgBackRestConfRenderer.render(S3_AND_POSIX, DEMO_1, "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no keys were given for s3 repository offsite");
    }

    @Test
    void s3KeysNeverReachPostgresqlConf() {
        assertThat(PgBackRestConfRenderer.archiveSettings(S3_AND_POSIX, HOME + "/data-demo-1/pgbackrest.conf")
                .values()).noneMatch(value -> value.contains("AKIDEXAMPLE") || value.contains("s3cr3t"));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = PgBackRestConfRendererTest.class.getResourceAsStream("/pgbackrest/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void standbyOptionsNameTheStandbyAsPg2AndLeaveTheConfigurationAlone() {
        assertThat(PgBackRestConfRenderer.standbyOptions("/v/data-demo-1/pgdata", 25432))
                .containsExactly("--pg2-path=/v/data-demo-1/pgdata", "--pg2-port=25432", "--backup-standby");
    }
}
