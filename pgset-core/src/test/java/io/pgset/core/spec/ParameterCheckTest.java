package io.pgset.core.spec;

import static io.pgset.core.spec.ParameterCatalogTest.PG15;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.model.ClusterSpec.PostgresSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parameters checked against the PostgreSQL 15 catalog and what its server says, captured. */
class ParameterCheckTest {

    /** What postgres 15 printed for these values (postgres -C name -c name=value), as captured. */
    static final Map<String, String> SAID = Map.of(
            "shared_buffers=5s", """
                    2026-11-29 23:23:59.796 GMT [15555] FATAL:  invalid value for parameter "shared_buffers": "5s"
                    2026-11-29 23:23:59.796 GMT [15555] HINT:  Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".
                    """,
            "synchronous_commit=maybe", """
                    2026-11-29 23:23:59.812 GMT [15556] FATAL:  invalid value for parameter "synchronous_commit": "maybe"
                    2026-11-29 23:23:59.812 GMT [15556] HINT:  Available values: local, remote_write, remote_apply, on, off.
                    """,
            "shared_buffers=99999999GB", """
                    2026-11-29 23:26:01.319 GMT [19414] FATAL:  invalid value for parameter "shared_buffers": "99999999GB"
                    2026-11-29 23:26:01.319 GMT [19414] HINT:  Value exceeds integer range.
                    """,
            "work_mem=1TB", """
                    2026-11-29 23:40:01.100 GMT [19500] FATAL:  1073741824 kB is outside the valid range for parameter "work_mem" (64 .. 2147483647)
                    """,
            "shared_bufers=1GB", """
                    2026-11-29 23:23:59.859 GMT [15559] FATAL:  unrecognized configuration parameter "shared_bufers"
                    """,
            "block_size=16384", """
                    2026-11-29 23:26:01.200 GMT [19396] FATAL:  parameter "block_size" cannot be changed
                    """,
            "timezone=Mars/Base", """
                    2026-11-29 23:23:59.897 GMT [15562] FATAL:  invalid value for parameter "TimeZone": "Mars/Base"
                    """);

    final List<String> asked = new ArrayList<>();
    final ParameterCheck.Server server = (name, value) -> {
        asked.add(name);
        return SAID.getOrDefault(name + "=" + value, "");
    };

    List<String> problems(Map<String, String> parameters) {
        return ParameterCheck.problems(PG15, new PostgresSpec("15", "/usr/lib/postgresql/15/bin",
                new TreeMap<>(parameters)), server);
    }

    @Test
    void aValidSpecHasNoProblems() {
        assertThat(problems(Map.of("max_connections", "200", "work_mem", "8MB", "autovacuum", "off",
                "synchronous_commit", "local", "random_page_cost", "1.1", "timezone", "UTC"))).isEmpty();
    }

    @Test
    void anIntegerThatIsNoNumberNamesItsRange() {
        assertThat(problems(Map.of("max_connections", "lots"))).containsExactly(
                "spec.postgres.parameters.max_connections: must be an integer from 1 to 262143, got \"lots\"");
    }

    @ParameterizedTest
    @CsvSource({
            "max_connections, 0, 'must be an integer from 1 to 262143, got \"0\"'",
            "max_connections, 300000, 'must be an integer from 1 to 262143, got \"300000\"'",
            "random_page_cost, -1, 'must be a number from 0 to 1.79769e+308, got \"-1\"'",
            "autovacuum, maybe, 'must be a boolean (on or off), got \"maybe\"'",
            "work_mem, 8 parsecs, 'must be an integer from 64 to 2147483647, optionally with a unit (B, kB, MB, GB, TB, us, ms, s, min, h, d), got \"8 parsecs\"'",
    })
    void theCatalogSettlesTypesAndRangesWithoutAskingTheServer(String name, String value, String problem) {
        assertThat(problems(Map.of(name, value))).containsExactly("spec.postgres.parameters." + name + ": " + problem);
        assertThat(asked).isEmpty();
    }

    @Test
    void anUnknownNameSuggestsTheNearestKnownOne() {
        assertThat(problems(Map.of("shared_bufers", "1GB"))).containsExactly(
                "spec.postgres.parameters.shared_bufers: unknown parameter; did you mean shared_buffers?");
        assertThat(problems(Map.of("made_up_setting", "1")).get(0)).contains("unknown parameter (");
    }

    @Test
    void aNameTheServerKnowsButWillNotTakeSaysSo() {
        assertThat(problems(Map.of("block_size", "16384"))).containsExactly(
                "spec.postgres.parameters.block_size: parameter \"block_size\" cannot be changed");
    }

    @Test
    void whatTheCatalogCannotSettleIsPutToTheServer() {
        assertThat(problems(Map.of("synchronous_commit", "maybe"))).containsExactly(
                "spec.postgres.parameters.synchronous_commit: must be one of local, remote_write, remote_apply, on,"
                        + " off, got \"maybe\"");
        assertThat(problems(Map.of("shared_buffers", "5s"))).containsExactly(
                "spec.postgres.parameters.shared_buffers: must be a number with one of the units B, kB, MB, GB, and"
                        + " TB, got \"5s\"");
        assertThat(problems(Map.of("work_mem", "1TB"))).containsExactly(
                "spec.postgres.parameters.work_mem: must be from 64 to 2147483647 (in the parameter's base unit,"
                        + " here 1073741824 kB), got \"1TB\"");
        assertThat(problems(Map.of("shared_buffers", "99999999GB"))).containsExactly(
                "spec.postgres.parameters.shared_buffers: postgres refuses \"99999999GB\": Value exceeds integer range");
        assertThat(problems(Map.of("timezone", "Mars/Base"))).containsExactly(
                "spec.postgres.parameters.timezone: postgres refuses \"Mars/Base\"");
    }

    @Test
    void extensionParametersAreLeftToTheServer() {
        assertThat(problems(Map.of("auto_explain.log_min_duration", "5"))).isEmpty();
        assertThat(asked).containsExactly("auto_explain.log_min_duration");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(problems(Map.of("max_connections", "lots", "shared_bufers", "1GB", "synchronous_commit", "maybe")))
                .hasSize(3);
    }

    @Test
    void theSpecReaderReportsParameterProblemsWithTheSpecsOwn() {
        ParameterValidator validator = postgres -> ParameterCheck.problems(PG15, postgres, server);
        assertThatThrownBy(() -> SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: demo}
                spec:
                  instances: 0
                  postgres: {parameters: {max_connections: lots, port: "5433"}}
                """, validator))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "spec.instances: must be >= 1, got 0",
                        "spec.postgres.parameters.port: pgset manages this parameter itself; remove it from the spec",
                        "spec.postgres.parameters.max_connections: must be an integer from 1 to 262143, got \"lots\""));
    }
}
