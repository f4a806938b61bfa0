package io.pgset.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import org.junit.jupiter.api.Test;

class SpecChangesTest {

    static ClusterSpec spec(String body) {
        return SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\nspec: " + body);
    }

    @Test
    void describesEachChangedFieldAndParameter() {
        ClusterSpec before = spec("{instances: 3, postgres: {parameters: {work_mem: 4MB, shared_buffers: 128MB}}}");
        ClusterSpec after = spec("{instances: 5, postgres: {parameters: {work_mem: 8MB, max_connections: '200'}},"
                + " network: {allow: [127.0.0.1/32, 10.0.0.0/8]}}");

        assertThat(SpecChanges.describe(before, after)).containsExactly(
                "spec.instances: 3 -> 5",
                "spec.postgres.parameters.max_connections: (default) -> 200",
                "spec.postgres.parameters.shared_buffers: 128MB -> (default)",
                "spec.postgres.parameters.work_mem: 4MB -> 8MB",
                "spec.network.allow: [127.0.0.1/32] (left out) -> [127.0.0.1/32, 10.0.0.0/8]");
        assertThat(SpecChanges.refused(before, after)).isEmpty();
    }

    @Test
    void anUnchangedSpecDescribesNothing() {
        ClusterSpec spec = spec("{instances: 3}");
        assertThat(SpecChanges.describe(spec, spec("{instances: 3}"))).isEmpty();
        assertThat(SpecReader.version(spec)).isEqualTo(SpecReader.version(spec("{instances: 3}")))
                .isNotEqualTo(SpecReader.version(spec("{instances: 4}")));
    }

    @Test
    void podManagementPolicyChangeIsAcceptedAndReloadsNoInstance() {
        ClusterSpec before = spec("{instances: 3}");
        ClusterSpec after = spec("{instances: 3, podManagementPolicy: Parallel}");

        assertThat(SpecChanges.describe(before, after))
                .containsExactly("spec.podManagementPolicy: OrderedReady -> Parallel");
        assertThat(SpecChanges.refused(before, after)).isEmpty();
        // Only the controller acts on it: the instances' configuration, and so the version they report, stay.
        assertThat(SpecReader.version(after)).isEqualTo(SpecReader.version(before));
        assertThat(SpecReader.read(SpecReader.write(after))).isEqualTo(after);
        assertThat(SpecReader.write(after)).contains("podManagementPolicy: Parallel");
        assertThat(SpecReader.write(before)).doesNotContain("podManagementPolicy");
    }

    @Test
    void bootstrapMajorVersionAndNameChangesAreRefusedWithTheirReasons() {
        ClusterSpec before = spec("{instances: 3}");
        ClusterSpec after = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: other}\n"
                + "spec: {postgres: {version: '16'}, bootstrap: {initdb: {database: shop}}}");

        assertThat(SpecChanges.refused(before, after)).satisfiesExactly(
                name -> assertThat(name).contains("metadata.name: demo -> other: a cluster cannot be renamed"),
                bootstrap -> assertThat(bootstrap).contains("spec.bootstrap: takes effect only when a cluster is created"),
                version -> assertThat(version).contains("spec.postgres.version: 15 -> 16").contains("pg_upgrade"));
    }

    @Test
    void loweringTheStorageSizeIsRefusedWithTheReason() {
        ClusterSpec before = spec("{storage: {size: 128Mi}}");

        assertThat(SpecChanges.refused(before, spec("{storage: {size: 64Mi}}"))).singleElement().asString()
                .startsWith("spec.storage.size: 128Mi -> 64Mi: a volume cannot shrink");
        assertThat(SpecChanges.refused(before, spec("{storage: {size: 1Gi}}"))).isEmpty();
        assertThat(SpecChanges.describe(before, spec("{storage: {size: 1Gi, alertPercent: 90}}"))).containsExactly(
                "spec.storage.size: 128Mi -> 1Gi", "spec.storage.alertPercent: 80 -> 90");
    }

    @Test
    void loggingFormatAndStorageAlertRoundTripThroughTheWriter() {
        ClusterSpec spec = spec("{storage: {size: 64Mi, alertPercent: 70}, logging: {format: json}}");

        assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
        assertThat(spec.logging().format()).contains(io.pgset.core.model.LogFormat.JSON);
        assertThat(spec("{}").logging().format()).isEmpty();
        assertThat(SpecReader.read(SpecReader.write(spec("{}"))).storage().explicitSize()).isFalse();
    }
}
