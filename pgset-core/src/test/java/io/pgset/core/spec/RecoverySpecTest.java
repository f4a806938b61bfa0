package io.pgset.core.spec;

import static io.pgset.core.spec.SpecReaderTest.problemsOf;
import static io.pgset.core.spec.SpecReaderTest.withSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.RecoverySource;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.ClusterSpec.RecoveryTarget;
import io.pgset.core.model.ClusterSpec.RecoveryTarget.TargetType;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code spec.bootstrap.recovery}: a new cluster from another cluster's backups. */
class RecoverySpecTest {

    private static ClusterSpec read(String bootstrap) {
        return SpecReader.read(withSpec("bootstrap:\n" + bootstrap.indent(2)));
    }

    @Test
    void initdbIsTheDefault() {
        assertThat(read("{}").bootstrap().recovery()).isEmpty();
    }

    @Test
    void readsSourceAndTimeTarget() {
        ClusterSpec spec = read("""
                recovery:
                  source: {cluster: old, repository: offsite, systemIdentifier: "7312345678901234567"}
                  target: {time: "2026-11-29T10:00:00+01:00"}
                """);
        assertThat(spec.bootstrap().recovery()).contains(new RecoverySpec(
                new RecoverySource("old", "offsite", "7312345678901234567"),
                new RecoveryTarget(TargetType.TIME, "2026-11-29T10:00:00+01:00")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{lsn: 0/3000060}|LSN|0/3000060",
            "{lsn: 0/a0000b8}|LSN|0/A0000B8",
            "{name: before-migration}|NAME|before-migration",
            "{immediate: true}|IMMEDIATE|''",
            "{}|LATEST|''"})
    void readsEachKindOfTarget(String target, TargetType type, String value) {
        RecoverySpec recovery = read("recovery: {source: {cluster: old}, target: " + target + "}")
                .bootstrap().recovery().orElseThrow();
        assertThat(recovery.target()).isEqualTo(new RecoveryTarget(type, value));
        assertThat(recovery.source()).isEqualTo(new RecoverySource("old", "", ""));
    }

    @Test
    void noTargetMeansTheEndOfTheArchive() {
        assertThat(read("recovery: {source: {cluster: old}}").bootstrap().recovery().orElseThrow().target())
                .isEqualTo(RecoveryTarget.latest());
    }

    @Test
    void roundTripsThroughTheCanonicalDocument() {
        for (String target : new String[] {"{time: \"2026-11-29T10:00:00Z\"}", "{immediate: true}", "{}",
                "{lsn: 0/3000060}", "{name: p1}"}) {
            ClusterSpec spec = read("recovery: {source: {cluster: old, systemIdentifier: \"42\"}, target: "
                    + target + "}");
            assertThat(SpecReader.read(SpecReader.write(spec))).isEqualTo(spec);
        }
    }

    @Test
    void timeWithoutZoneOffsetIsRefused() {
        assertThat(problemsOf(withSpec("bootstrap: {recovery: {source: {cluster: old}, target: {time: "
                + "\"2026-11-29 10:00:00\"}}}"))).singleElement().asString()
                .startsWith("spec.bootstrap.recovery.target.time: must be an ISO-8601 date and time with a zone offset");
    }

    @Test
    void reportsEveryRecoveryProblemByField() {
        assertThat(problemsOf(withSpec("""
                bootstrap:
                  recovery:
                    source: {cluster: demo, repository: Not_A_Name, systemIdentifier: abc, bucket: x}
                    target: {lsn: "3000060"}
                """))).containsExactlyInAnyOrder(
                "spec.bootstrap.recovery.source.bucket: unknown field (known: cluster, repository, systemIdentifier)",
                "spec.bootstrap.recovery.source.cluster: must name another cluster than demo: a cluster recovered"
                        + " under its source's name would archive into the source's repository; give the new cluster"
                        + " a new name",
                "spec.bootstrap.recovery.source.repository: must be a DNS-1123 label (lowercase letters, digits and"
                        + " '-', starting and ending with a letter or digit), got \"Not_A_Name\"",
                "spec.bootstrap.recovery.source.systemIdentifier: must be a database system identifier, the decimal"
                        + " number pg_controldata prints, such as \"7312345678901234567\", got \"abc\"",
                "spec.bootstrap.recovery.target.lsn: must be a WAL location such as 0/3000060, got \"3000060\"");
    }

    @Test
    void sourceIsRequired() {
        assertThat(problemsOf(withSpec("bootstrap: {recovery: {target: {immediate: true}}}")))
                .containsExactly("spec.bootstrap.recovery.source: is required");
    }

    @Test
    void twoTargetsAreRefused() {
        assertThat(problemsOf(withSpec("bootstrap: {recovery: {source: {cluster: old}, target: {immediate: true,"
                + " name: p1}}}"))).containsExactly(
                "spec.bootstrap.recovery.target: must give one of time, lsn, name or immediate, got immediate and name");
    }

    @Test
    void immediateFalseIsRefusedRatherThanIgnored() {
        assertThat(problemsOf(withSpec("bootstrap: {recovery: {source: {cluster: old}, target: {immediate: false}}}")))
                .singleElement().asString().startsWith("spec.bootstrap.recovery.target.immediate: must be true");
    }

    @Test
    void initSqlIsNotRunForARecoveredCluster() {
        assertThat(problemsOf(withSpec("bootstrap: {initdb: {initSql: [\"select 1\"]}, recovery: {source:"
                + " {cluster: old}}}"))).singleElement().asString()
                .startsWith("spec.bootstrap.initdb.initSql: is not run for a cluster bootstrapped by recovery");
        assertThat(read("{initdb: {owner: shop}, recovery: {source: {cluster: old}}}").bootstrap().initdb().owner())
                .isEqualTo("shop");
        assertThat(read("{}").bootstrap().recovery()).isEqualTo(Optional.empty());
    }
}
