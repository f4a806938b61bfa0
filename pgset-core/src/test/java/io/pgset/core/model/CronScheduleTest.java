package io.pgset.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** crontab(5) fields, and next firing times across month ends, leap years and daylight-saving changes. */
class CronScheduleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @ParameterizedTest(name = "{0} after {1} is {2}")
    @CsvSource(delimiter = '|', textBlock = """
            * * * * *            | 2026-03-01T10:00:00 | 2026-03-01T10:01
            * * * * *            | 2026-03-01T10:00:30 | 2026-03-01T10:01
            0 3 * * *            | 2026-03-01T03:00:00 | 2026-03-02T03:00
            0 3 * * *            | 2026-03-01T02:59:59 | 2026-03-01T03:00
            */15 * * * *         | 2026-03-01T10:14:00 | 2026-03-01T10:15
            */15 * * * *         | 2026-03-01T10:45:00 | 2026-03-01T11:00
            10-50/20 * * * *     | 2026-03-01T10:31:00 | 2026-03-01T10:50
            10-50/20 * * * *     | 2026-03-01T10:50:00 | 2026-03-01T11:10
            5/20 * * * *         | 2026-03-01T10:46:00 | 2026-03-01T11:05
            0 0,12 * * *         | 2026-03-01T00:00:00 | 2026-03-01T12:00
            0 3 31 * *           | 2026-04-01T00:00:00 | 2026-05-31T03:00
            0 3 30 * *           | 2026-01-31T00:00:00 | 2026-03-30T03:00
            0 0 29 2 *           | 2026-01-01T00:00:00 | 2028-02-29T00:00
            0 0 29 2 *           | 2096-03-01T00:00:00 | 2104-02-29T00:00
            0 0 L-is-not-here 1 * | 2026-01-01T00:00:00 | error
            0 3 * * 0            | 2026-11-25T12:00:00 | 2026-11-29T03:00
            0 3 * * 7            | 2026-11-25T12:00:00 | 2026-11-29T03:00
            0 3 * * SUN          | 2026-11-25T12:00:00 | 2026-11-29T03:00
            0 3 * * 1-6          | 2026-11-28T03:00:00 | 2026-11-30T03:00
            0 3 * * mon-fri      | 2026-11-27T03:00:00 | 2026-11-30T03:00
            0 3 * * 5-7          | 2026-11-29T03:00:00 | 2026-12-04T03:00
            0 0 1 JAN,jul *      | 2026-02-01T00:00:00 | 2026-07-01T00:00
            0 0 13 * FRI         | 2026-11-14T00:00:00 | 2026-11-20T00:00
            0 0 13 * FRI         | 2026-12-11T00:00:00 | 2026-12-13T00:00
            59 23 31 12 *        | 2026-12-31T23:59:00 | 2027-12-31T23:59
            """)
    void nextFiringInUtc(String expression, String after, String expected) {
        if (expected.equals("error")) {
            assertThatThrownBy(() -> CronSchedule.parse(expression)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        Instant from = LocalDateTime.parse(after).toInstant(ZoneOffset.UTC);
        assertThat(CronSchedule.parse(expression).next(from, UTC))
                .isEqualTo(LocalDateTime.parse(expected).toInstant(ZoneOffset.UTC));
    }

    @Test
    void bothDayFieldsRestrictedMatchEitherAsVixieCronDoes() {
        CronSchedule firstOrMonday = CronSchedule.parse("0 3 1 * MON");
        // 2026-11-30 is a Monday, 2026-12-01 the 1st, 2026-12-07 the next Monday.
        assertThat(firings(firstOrMonday, "2026-11-29T00:00", UTC, 3))
                .containsExactly("2026-11-30T03:00", "2026-12-01T03:00", "2026-12-07T03:00");
    }

    @Test
    void aTimeSkippedBySpringForwardFiresWhenTheClockSkipsPastIt() {
        // Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that night.
        assertThat(firings(CronSchedule.parse("30 2 * * *"), "2026-03-28T12:00", BERLIN, 3))
                .containsExactly("2026-03-29T03:00+02:00",
                        "2026-03-30T02:30+02:00", "2026-03-31T02:30+02:00");
    }

    @Test
    void everyMinuteAcrossSpringForwardNeverRepeatsAnInstant() {
        List<String> times = firings(CronSchedule.parse("*/30 * * * *"), "2026-03-29T01:00", BERLIN, 4);
        assertThat(times).containsExactly("2026-03-29T01:30+01:00", "2026-03-29T03:00+02:00",
                "2026-03-29T03:30+02:00", "2026-03-29T04:00+02:00");
    }

    @Test
    void aFixedTimeInTheRepeatedHourFiresOnceAtFallBack() {
        // Berlin 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
        assertThat(firings(CronSchedule.parse("30 2 * * *"), "2026-10-24T12:00", BERLIN, 3))
                .containsExactly("2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00", "2026-10-27T02:30+01:00");
    }

    @Test
    void anHourlyScheduleKeepsItsRhythmThroughTheRepeatedHour() {
        assertThat(firings(CronSchedule.parse("30 * * * *"), "2026-10-25T01:00", BERLIN, 4))
                .containsExactly("2026-10-25T01:30+02:00", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00",
                        "2026-10-25T03:30+01:00");
    }

    @Test
    void impossibleDatesAreRefusedWhenParsed() {
        assertThatThrownBy(() -> CronSchedule.parse("0 0 31 2 *")).hasMessage("never fires: no chosen month has day 31");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 30,31 2 *"))
                .hasMessage("never fires: no chosen month has day 30 or later");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 31 4,6,9,11 *")).hasMessageContaining("never fires");
        // With a day of week as well either day fires, so it is alive.
        assertThat(CronSchedule.parse("0 0 31 2 MON").next(Instant.parse("2026-01-01T00:00:00Z"), UTC))
                .isEqualTo(Instant.parse("2026-02-02T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0 3 * *         | has 4 fields, not 5 (minute hour day-of-month month day-of-week)
            0 3 * * * *     | has 6 fields, not 5 (minute hour day-of-month month day-of-week)
            60 3 * * *      | minute field: 60 is out of range 0-59
            0 24 * * *      | hour field: 24 is out of range 0-23
            0 3 0 * *       | day-of-month field: 0 is out of range 1-31
            0 3 * 13 *      | month field: 13 is out of range 1-12
            0 3 * * 8       | day-of-week field: 8 is out of range 0-7
            0 3 * * FRI-MON | day-of-week field: range FRI-MON runs backwards (write it as two ranges)
            */0 * * * *     | minute field: step must be at least 1 in '*/0'
            0 3 * FOO *     | month field: 'FOO' is not a value or a name such as FEB
            1,,2 * * * *    | minute field: '' is not a value, range or step
            1-2-3 * * * *   | minute field: '1-2-3' is not a value, range or step
            @daily * * * *  | minute field: '@daily' is not a value
            """)
    void badFieldsAreNamed(String expression, String message) {
        assertThatThrownBy(() -> CronSchedule.parse(expression)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void blankIsNotASchedule() {
        assertThatThrownBy(() -> CronSchedule.parse(" ")).hasMessageStartingWith("has 0 fields");
    }

    private static List<String> firings(CronSchedule schedule, String from, ZoneId zone, int count) {
        List<String> out = new ArrayList<>();
        Instant at = LocalDateTime.parse(from).atZone(zone).toInstant();
        for (int i = 0; i < count; i++) {
            at = schedule.next(at, zone);
            ZonedDateTime local = at.atZone(zone);
            out.add(zone.equals(UTC) ? local.toLocalDateTime().toString() : local.toOffsetDateTime().toString());
        }
        return out;
    }
}
