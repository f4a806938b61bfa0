package io.pgset.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.pod.PodBackups;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What spec.backup and spec.bootstrap.recovery add to the rendered objects. */
class BackupVolumesTest {

    private static final ClusterSpec BACKED_UP = spec("shop", """
              storage: {size: 20Gi}
              backup:
                repositories:
                  - {name: local}
                  - {name: offsite, type: s3, endpoint: "s3.example.com", bucket: shop-backups, region: eu-west-1,
                     credentials: {secretName: shop-s3}}
                  - {name: elsewhere, type: s3, endpoint: "minio:9000", bucket: other, region: r1,
                     credentials: {file: /etc/keys}}
            """);

    @Test
    void aPosixRepositoryWithoutAPathGetsItsOwnSharedClaimBeforeTheStatefulSet() {
        List<HasMetadata> objects = new ManifestRenderer(BACKED_UP, "prod", "i").render();
        PersistentVolumeClaim claim = object(objects, PersistentVolumeClaim.class, "shop-backups");
        assertThat(claim.getMetadata().getNamespace()).isEqualTo("prod");
        assertThat(claim.getMetadata().getLabels()).containsEntry("pgset.io/cluster", "shop");
        assertThat(claim.getMetadata().getAnnotations()).containsKey("pgset.io/retained");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("40Gi");
        assertThat(objects.indexOf(claim)).isLessThan(objects.indexOf(object(objects, StatefulSet.class, "shop")));
    }

    @Test
    void everyPodMountsTheClaimAndEachS3SecretReadOnlyWhereThePodSideReadsThem() {
        PodSpec pod = pod(new ManifestRenderer(BACKED_UP, "prod", "i"));
        Container postgres = pod.getContainers().get(0);
        assertThat(postgres.getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath()
                        + (Boolean.TRUE.equals(m.getReadOnly()) ? " ro" : ""))
                .contains("backups /var/lib/pgset-backups", "s3-credentials-0 /etc/pgset/s3/offsite ro")
                .noneMatch(m -> m.contains("elsewhere"));
        assertThat(PodBackups.defaultRepository()).startsWithRaw(Path.of("/var/lib/pgset-backups"));
        assertThat(PodBackups.credentialDirectories(BACKED_UP)).isEqualTo(Map.of("offsite", Path.of("/etc/pgset/s3/offsite")));

        assertThat(volume(pod, "backups").getPersistentVolumeClaim().getClaimName()).isEqualTo("shop-backups");
        assertThat(volume(pod, "backups").getPersistentVolumeClaim().getReadOnly()).isNull();
        var secret = volume(pod, "s3-credentials-0").getSecret();
        assertThat(secret.getSecretName()).isEqualTo("shop-s3");
        assertThat(secret.getDefaultMode()).isEqualTo(0400);
        assertThat(secret.getItems()).extracting(i -> i.getKey() + "->" + i.getPath())
                .containsExactly("accessKeyId->accessKeyId", "secretAccessKey->secretAccessKey");
        // No new environment: the instance finds everything at fixed paths.
        assertThat(postgres.getEnv()).extracting(e -> e.getName())
                .containsExactly("POD_NAME", "POD_NAMESPACE", "POD_IP", "JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX");
    }

    @Test
    void withoutBackupOrWithOnlyPathsAndFilesNothingIsAdded() {
        ClusterSpec none = spec("plain", "");
        ClusterSpec elsewhere = spec("paths", """
                  backup:
                    repositories:
                      - {name: nfs, path: /mnt/backups}
                      - {name: s3, type: s3, endpoint: s3.example.com, bucket: bb1, region: r1, credentials: {file: /k}}
                """);
        for (ClusterSpec spec : List.of(none, elsewhere)) {
            List<HasMetadata> objects = new ManifestRenderer(spec, "prod", "i").render();
            assertThat(objects).noneMatch(o -> o instanceof PersistentVolumeClaim);
            PodSpec pod = pod(new ManifestRenderer(spec, "prod", "i"));
            assertThat(pod.getVolumes()).extracting(Volume::getName)
                    .containsExactly("tmp", "run", "secrets", "spec", "init");
        }
    }

    @Test
    void aRecoveredClusterMountsTheSourceClaimReadOnlyAndMayReadTheSource() {
        ClusterSpec recovered = spec("fresh", "  bootstrap: {recovery: {source: {cluster: shop}, target: {immediate: true}}}\n");
        PodSpec pod = pod(new ManifestRenderer(recovered, "prod", "i"));
        assertThat(volume(pod, "source-backups").getPersistentVolumeClaim().getClaimName()).isEqualTo("shop-backups");
        assertThat(volume(pod, "source-backups").getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(pod.getContainers().get(0).getVolumeMounts()).filteredOn(m -> m.getName().equals("source-backups"))
                .singleElement().satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo(PodBackups.SOURCE_CLAIM_MOUNT.toString());
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertThat(PodBackups.sourceDefaultRepository()).startsWithRaw(PodBackups.SOURCE_CLAIM_MOUNT);

        Role role = object(new ManifestRenderer(recovered, "prod", "i").render(), Role.class, "fresh-instance");
        assertThat(role.getRules()).extracting(r -> r.getApiGroups() + " " + r.getResources() + " "
                + r.getResourceNames() + " " + r.getVerbs()).contains("[pgset.io] [postgresclusters] [shop] [get]");

        PodSpec s3Source = pod(new ManifestRenderer(recovered, "prod", "i", false));
        assertThat(s3Source.getVolumes()).extracting(Volume::getName).doesNotContain("source-backups");
    }

    @Test
    void theClaimIsTwiceTheDataVolumeExactly() {
        assertThat(BackupVolumes.twice("20Gi")).isEqualTo("40Gi");
        assertThat(BackupVolumes.twice("1536Mi")).isEqualTo("3072Mi");
        assertThat(BackupVolumes.twice("1000")).isEqualTo("2000");
    }

    private static ClusterSpec spec(String name, String body) {
        return SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: " + name
                + "}\nspec:\n  instances: 2\n" + body);
    }

    private static PodSpec pod(ManifestRenderer renderer) {
        return renderer.workloads().stream().filter(o -> o instanceof StatefulSet).map(StatefulSet.class::cast)
                .findFirst().orElseThrow().getSpec().getTemplate().getSpec();
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static <T extends HasMetadata> T object(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }
}
