package io.pgset.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.spec.SpecReader;
import org.junit.jupiter.api.Test;

class FailoverGuaranteeTest {

    private static final String HEADER = "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n";

    @Test
    void singleStandbyByDefaultSaysWhatAFailoverMayLose() {
        String said = FailoverGuarantee.describe(SpecReader.read(HEADER + "spec: {instances: 2}"), "demo-0");

        assertThat(said).startsWith("async: a failover may lose the last transactions acknowledged by demo-0 that"
                + " demo-1 had not received");
    }

    @Test
    void defaultClusterSaysNoAcknowledgedTransactionIsLost() {
        String said = FailoverGuarantee.describe(SpecReader.defaults("demo"), "demo-1");

        assertThat(said).isEqualTo("sync (ANY 1 of demo-0, demo-2): a commit is acknowledged once 1 standby has it,"
                + " so a failover loses no acknowledged transaction; writes wait while fewer than 1 stream");
    }

    @Test
    void explicitAsyncWithSeveralStandbysNamesThemAndTheWayOut() {
        String said = FailoverGuarantee.describe(SpecReader.read(HEADER
                + "spec: {instances: 3, replication: {mode: async}}"), null);

        assertThat(said).isEqualTo("async: a failover may lose the last transactions acknowledged by demo-0 that the"
                + " promoted one of demo-1 and demo-2 had not received (replication.mode: sync keeps them)");
    }

    @Test
    void singleInstanceHasNothingToFailOverTo() {
        assertThat(FailoverGuarantee.describe(SpecReader.read(HEADER + "spec: {instances: 1}"), "demo-0"))
                .startsWith("no standby:");
    }
}
