package io.pgset.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When archiving counts as failing, and how the ArchivingFailing condition says so. */
class ArchiveStatusTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @ParameterizedTest(name = "last archived ''{0}'', last failed ''{1}'', {2} waiting: failing {3}")
    @CsvSource({
            "'',                          '',                          0, false",
            "2026-11-29T10:00:00Z,        '',                          3, false",
            "'',                          2026-11-29T10:00:00Z,        1, true",
            "2026-11-29T10:00:00Z,        2026-11-29T10:00:00.000001Z, 1, true",
            "2026-11-29T10:00:00.000001Z, 2026-11-29T10:00:00Z,        1, false",
            "2026-11-29T10:00:00Z,        2026-11-29T10:00:05Z,        0, false",
    })
    void failingMeansTheLastAttemptFailedAndSegmentsWait(String archived, String failed, long waiting,
                                                         boolean failing) {
        ArchiveStatus status = new ArchiveStatus(1, "x", archived, 1, 1, "y", failed, waiting, "", 0, !failing);

        assertThat(status.failing()).isEqualTo(failing);
    }

    @Test
    void conditionSaysSinceWhenHowManySegmentsWaitAndHowBigPgWalIs() {
        ArchiveStatus failing = new ArchiveStatus(7, "000000010000000000000007", "2026-11-29T01:00:00Z", 3600, 12,
                "000000010000000000000008", "2026-11-29T02:00:00.5Z", 12, "2026-11-29T01:02:03.123456Z", 208L << 20,
                true);

        Condition condition = archiving(Conditions.of(status(failing), Optional.empty(), List.of(), T0));

        assertThat(condition.status()).isTrue();
        assertThat(condition.reason()).isEqualTo("ArchiveCommandFailing");
        assertThat(condition.message()).startsWith("WAL archiving failing since 2026-11-29T01:02:03Z, 12 segments"
                + " waiting, pg_wal at 208 MB on demo-0 (last failed 000000010000000000000008)")
                .contains("make the backup repository writable or reachable again");
    }

    @Test
    void noArchiveOrOneThatWorksIsNotFailing() {
        ArchiveStatus working = new ArchiveStatus(7, "000000010000000000000007", "2026-11-29T01:00:00Z", 1, 0, "", "",
                1, "2026-11-29T01:00:01Z", 48L << 20, false);

        assertThat(archiving(Conditions.of(status(working), Optional.empty(), List.of(), T0)).status()).isFalse();
        assertThat(archiving(Conditions.of(status(null), Optional.empty(), List.of(), T0)))
                .extracting(Condition::status, Condition::reason).containsExactly(false, "NotFailing");
    }

    private static ClusterStatus status(ArchiveStatus archive) {
        return new ClusterStatus("demo", Phase.HEALTHY, "demo-0", 1, 1, List.of(), List.of(), Map.of(), "", "v1", null,
                List.of()).withArchive(archive);
    }

    private static Condition archiving(List<Condition> conditions) {
        return conditions.stream().filter(c -> c.type() == ConditionType.ArchivingFailing).findFirst().orElseThrow();
    }
}
