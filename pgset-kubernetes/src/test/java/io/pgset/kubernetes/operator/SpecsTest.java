package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.ClusterSpec.RecoveryTarget;
import io.pgset.core.model.ClusterSpec.RecoveryTarget.TargetType;
import io.pgset.core.spec.SpecException;
import io.pgset.kubernetes.api.PostgresCluster;
import io.pgset.kubernetes.api.PostgresClusterSpec;
import org.junit.jupiter.api.Test;

/** A PostgresCluster's Java fields reach pgset-core's spec under the names core reads. */
class SpecsTest {

    @Test
    void recoveryReachesTheCoreSpec() {
        PostgresClusterSpec spec = recovering("old");
        spec.bootstrap.recovery.source.repository = "offsite";
        spec.bootstrap.recovery.source.systemIdentifier = "7312345678901234567";
        spec.bootstrap.recovery.target = new PostgresClusterSpec.RecoveryTarget();
        spec.bootstrap.recovery.target.lsn = "0/a0000b8";

        assertThat(Specs.read(new PostgresCluster("fresh", spec)).bootstrap().recovery()).contains(new RecoverySpec(
                new RecoverySource("old", "offsite", "7312345678901234567"), new RecoveryTarget(TargetType.LSN, "0/A0000B8")));
    }

    @Test
    void eachKindOfTargetMaps() {
        PostgresClusterSpec.RecoveryTarget time = new PostgresClusterSpec.RecoveryTarget();
        time.time = "2026-11-29T10:00:00+01:00";
        PostgresClusterSpec.RecoveryTarget name = new PostgresClusterSpec.RecoveryTarget();
        name.name = "before-migration";
        PostgresClusterSpec.RecoveryTarget immediate = new PostgresClusterSpec.RecoveryTarget();
        immediate.immediate = true;
        assertThat(target(time)).isEqualTo(new RecoveryTarget(TargetType.TIME, "2026-11-29T10:00:00+01:00"));
        assertThat(target(name)).isEqualTo(new RecoveryTarget(TargetType.NAME, "before-migration"));
        assertThat(target(immediate)).isEqualTo(new RecoveryTarget(TargetType.IMMEDIATE, ""));
        assertThat(target(null)).isEqualTo(RecoveryTarget.latest());
    }

    @Test
    void twoTargetsAreRefusedByFieldEvenWithoutTheSchema() {
        // The mock API server applies no schema (maxProperties: 1); core refuses it all the same.
        PostgresClusterSpec spec = recovering("old");
        spec.bootstrap.recovery.target = new PostgresClusterSpec.RecoveryTarget();
        spec.bootstrap.recovery.target.lsn = "0/3000060";
        spec.bootstrap.recovery.target.immediate = true;
        assertThatThrownBy(() -> Specs.read(new PostgresCluster("fresh", spec))).isInstanceOf(SpecException.class)
                .hasMessageContaining("spec.bootstrap.recovery.target: must give one of time, lsn, name or immediate");
    }

    private static RecoveryTarget target(PostgresClusterSpec.RecoveryTarget target) {
        PostgresClusterSpec spec = recovering("old");
        spec.bootstrap.recovery.target = target;
        return Specs.read(new PostgresCluster("fresh", spec)).bootstrap().recovery().orElseThrow().target();
    }

    static PostgresClusterSpec recovering(String source) {
        PostgresClusterSpec spec = new PostgresClusterSpec();
        spec.bootstrap = new PostgresClusterSpec.Bootstrap();
        spec.bootstrap.recovery = new PostgresClusterSpec.Recovery();
        spec.bootstrap.recovery.source = new PostgresClusterSpec.RecoverySource();
        spec.bootstrap.recovery.source.cluster = source;
        return spec;
    }
}
