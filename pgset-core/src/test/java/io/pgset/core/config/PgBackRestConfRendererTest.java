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

    @Test
    void refusesS3UntilARuntimeCanPassItsCredentials() {
        ClusterSpec s3 = SpecReader.read(HEADER + """
                  backup:
                    repositories: [{name: s3, type: s3, endpoint: localhost, bucket: bkp, region: us-east-1,
                                    credentials: {file: /etc/s3.conf}}]
                """);

        assertThatThrownBy(() -> PgBackRestConfRenderer.render(s3, DEMO_1, "1"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("repository s3: s3 repositories are not supported yet by"
                        + " the runtimes (issue 10)");
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
