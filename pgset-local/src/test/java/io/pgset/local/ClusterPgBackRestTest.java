package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ClusterStatus.PodStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.spec.SpecReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which instance a backup copies from, and the pgBackRest command lines built for it. */
class ClusterPgBackRestTest {

    private static final ClusterHome HOME = ClusterHome.of(Path.of("/h"), "demo");
    private static final ClusterSpec SPEC = SpecReader.read("""
            apiVersion: pgset.io/v1alpha1
            kind: PostgresCluster
            metadata: {name: demo}
            spec:
              instances: 3
              backup: {repositories: [{name: local}, {name: offsite, path: /b}]}
            """);

    @Test
    void backupCopiesFromTheReadyReplicaLeastBehind() {
        ClusterPgBackRest pgbackrest = ClusterPgBackRest.of(HOME, SPEC, status("demo-0",
                pod("demo-0", "primary", true, 0, 5000), pod("demo-1", "replica", true, 900, 5001),
                pod("demo-2", "replica", true, 100, 5002)));

        assertThat(pgbackrest.source()).isEqualTo("demo-2");
        assertThat(pgbackrest.describe(2)).isEqualTo("repository 2 (offsite), files from standby demo-2");
        assertThat(pgbackrest.backup(BackupType.DIFF, 2)).containsSubsequence(
                "--config=/h/clusters/demo/volumes/data-demo-0/pgbackrest.conf", "--stanza=demo", "--type=diff",
                "--repo=2", "--pg2-path=/h/clusters/demo/volumes/data-demo-2/pgdata", "--pg2-port=5002",
                "--backup-standby", "backup");
    }

    @Test
    void withoutAReadyReplicaTheBackupCopiesFromThePrimary() {
        ClusterPgBackRest pgbackrest = ClusterPgBackRest.of(HOME, SPEC, status("demo-1",
                pod("demo-0", "replica", false, 0, 5000), pod("demo-1", "primary", true, 0, 5001)));

        assertThat(pgbackrest.source()).isEqualTo("demo-1");
        assertThat(pgbackrest.describe(1)).isEqualTo("repository 1 (local), files from primary demo-1");
        assertThat(pgbackrest.backup(BackupType.FULL, 1)).contains("--type=full", "--repo=1")
                .noneMatch(arg -> arg.startsWith("--pg2") || arg.equals("--backup-standby"));
    }

    @Test
    void aRepositoryTheSpecDoesNotHaveIsRefusedByItsField() {
        ClusterPgBackRest pgbackrest = ClusterPgBackRest.of(HOME, SPEC, status("demo-0",
                pod("demo-0", "primary", true, 0, 5000)));

        assertThatThrownBy(() -> pgbackrest.backup(BackupType.FULL, 0)).isInstanceOf(PgsetException.class)
                .hasMessage("cluster demo: --repo 0 is not a repository; spec.backup.repositories has 2 (local,"
                        + " offsite), so use 1 to 2");
        assertThatThrownBy(() -> pgbackrest.describe(3)).hasMessageContaining("--repo 3 is not a repository");
    }

    @Test
    void noPrimaryOrNoBackupSectionSaysWhatToDo() {
        assertThatThrownBy(() -> ClusterPgBackRest.of(HOME, SPEC, status(null, pod("demo-0", "replica", true, 0, 1))))
                .hasMessage("cluster demo has no primary now; `pgset status demo` says why");
        ClusterSpec noBackup = SPEC.withInstances(3);
        ClusterSpec without = new ClusterSpec(noBackup.name(), 3, noBackup.postgres(), noBackup.storage(),
                noBackup.replication(), noBackup.bootstrap(), new BackupSpec(false, List.of(),
                BackupSpec.ScheduleSpec.DEFAULT, noBackup.backup().retention(), noBackup.backup().archive()),
                noBackup.tls(), noBackup.network(), noBackup.disruption(), noBackup.failover(), noBackup.resources(),
                noBackup.logging(), noBackup.scheduling(), noBackup.services(),
                noBackup.podManagementPolicy());
        assertThatThrownBy(() -> ClusterPgBackRest.of(HOME, without, status("demo-0")))
                .hasMessageContaining("has no spec.backup: add a backup section");
    }

    private static ClusterStatus status(String primary, PodStatus... pods) {
        return new ClusterStatus("demo", Phase.HEALTHY, primary, pods.length, pods.length, List.of(pods), List.of(),
                Map.of(), "", "v1", null, List.of());
    }

    private static PodStatus pod(String name, String role, boolean ready, long lagBytes, int port) {
        return new PodStatus(name, Integer.parseInt(name.substring(name.indexOf('-') + 1)), role, ready, "127.0.0.1",
                port, 1, 1, "0/3000000", lagBytes, 0, "data-" + name, 0, "", List.of(), "", InstanceStatus.Storage.UNKNOWN);
    }
}
