package io.pgset.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.ParameterCatalog;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What apply --dry-run shows, from pairs of specs and the PostgreSQL 15 catalog. */
class RolloutPreviewTest {

    static final ParameterCatalog PG15 = catalog();
    static final RolloutPreview.Server SERVER = new RolloutPreview.Server() {
        @Override
        public Optional<ParameterCatalog.Context> context(String parameter) {
            return PG15.find(parameter).map(ParameterCatalog.Definition::context);
        }

        @Override
        public String serverDefault(String parameter) {
            return Map.of("max_connections", "100", "work_mem", "4096").getOrDefault(parameter, "?");
        }
    };

    static ParameterCatalog catalog() {
        try (InputStream in = RolloutPreviewTest.class.getResourceAsStream("/postgres/describe-config-15.txt")) {
            return ParameterCatalog.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ClusterSpec spec(String body) {
        return SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\nspec: "
                + body + "\n");
    }

    @Test
    void aReloadOnlyChangeReloadsEveryInstanceAndRestartsNone() {
        RolloutPreview preview = RolloutPreview.of(spec("{instances: 3}"),
                spec("{instances: 3, postgres: {parameters: {work_mem: 8MB}}}"), Optional.of("demo-0"), SERVER);

        assertThat(preview.changes()).containsExactly("spec.postgres.parameters.work_mem: (default) -> 8MB");
        assertThat(preview.instances()).containsExactly(
                "demo-0 (primary): reloads (no restart) for work_mem",
                "demo-1: reloads (no restart) for work_mem",
                "demo-2: reloads (no restart) for work_mem");
    }

    @Test
    void aRestartChangeNamesTheOrderReplicasFirstPrimaryLast() {
        RolloutPreview preview = RolloutPreview.of(spec("{instances: 3}"),
                spec("{instances: 3, postgres: {parameters: {shared_buffers: 64MB, work_mem: 8MB}}}"),
                Optional.of("demo-1"), SERVER);

        assertThat(preview.instances()).contains(
                "demo-1 (primary): restarts for shared_buffers ? (default) -> 64MB; reloads work_mem first",
                "order: replicas one at a time, highest ordinal first (demo-2, demo-0), each Ready before the next;"
                        + " then a switchover, and demo-1 restarts last");
    }

    @Test
    void removingAStandbyMinimumAboveItsDefaultRestartsThePrimaryFirst() {
        RolloutPreview preview = RolloutPreview.of(spec("{instances: 3, postgres: {parameters: {max_connections: 200}}}"),
                spec("{instances: 3}"), Optional.of("demo-0"), SERVER);

        assertThat(preview.instances()).contains("demo-2: restarts for max_connections 200 -> 100 (default)")
                .last().asString().startsWith("order: primary first, in place, because max_connections goes down");
    }

    @Test
    void scalingNamesTheInstancesCreatedOrRemoved() {
        assertThat(RolloutPreview.of(spec("{instances: 3}"), spec("{instances: 4}"), Optional.of("demo-0"), SERVER)
                .instances()).contains("demo-3: created (scale up, in ordinal order, each after the one before is Ready);"
                + " it clones the primary");
        assertThat(RolloutPreview.of(spec("{instances: 3}"), spec("{instances: 5, podManagementPolicy: Parallel}"),
                Optional.of("demo-0"), SERVER).instances()).contains(
                "demo-3: created (scale up, together with the others (podManagementPolicy: Parallel)); it clones the primary",
                "demo-4: created (scale up, together with the others (podManagementPolicy: Parallel)); it clones the primary");
        // The policy alone touches no instance: it only changes what the controller creates next.
        RolloutPreview policyOnly = RolloutPreview.of(spec("{instances: 3}"),
                spec("{instances: 3, podManagementPolicy: Parallel}"), Optional.of("demo-0"), SERVER);
        assertThat(policyOnly.changes()).containsExactly("spec.podManagementPolicy: OrderedReady -> Parallel");
        assertThat(policyOnly.instances()).containsExactly("no instance reloads or restarts");
        assertThat(RolloutPreview.of(spec("{instances: 3}"), spec("{instances: 1}"), Optional.of("demo-0"), SERVER)
                .instances()).containsSubsequence("demo-2: removed (scale down, highest ordinal first); its volume is kept",
                "demo-1: removed (scale down, highest ordinal first); its volume is kept");
    }

    @Test
    void aChangeThatCannotBeAppliedIsRefusedAndNothingElseIsPlanned() {
        RolloutPreview preview = RolloutPreview.of(spec("{instances: 3}"),
                spec("{instances: 3, bootstrap: {initdb: {database: other}}}"), Optional.of("demo-0"), SERVER);

        assertThat(preview.refused()).singleElement().asString().startsWith("spec.bootstrap:");
        assertThat(preview.instances()).isEmpty();
    }

    @Test
    void anUnchangedSpecChangesNothing() {
        RolloutPreview preview = RolloutPreview.of(spec("{instances: 3}"), spec("{instances: 3}"), Optional.empty(), SERVER);

        assertThat(preview.changesAnything()).isFalse();
        assertThat(preview.instances()).isEmpty();
    }

    @Test
    void aLargerStorageSizeGrowsTheVolumesWithoutARestart() {
        RolloutPreview preview = RolloutPreview.of(spec("{storage: {size: 64Mi}}"), spec("{storage: {size: 128Mi}}"),
                Optional.of("demo-0"), SERVER);

        assertThat(preview.changes()).containsExactly("spec.storage.size: 64Mi -> 128Mi");
        assertThat(preview.instances()).containsExactly("volumes: capacity grows from 64Mi to 128Mi, no restart"
                + " (Kubernetes: each claim is expanded where its StorageClass allows)");
    }

    @Test
    void aSmallerStorageSizeIsRefused() {
        RolloutPreview preview = RolloutPreview.of(spec("{storage: {size: 128Mi}}"), spec("{storage: {size: 64Mi}}"),
                Optional.of("demo-0"), SERVER);

        assertThat(preview.refused()).singleElement().asString().contains("a volume cannot shrink");
        assertThat(preview.instances()).isEmpty();
    }
}
