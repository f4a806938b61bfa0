package io.pgset.core.model;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A 5-field cron expression ({@code minute hour day-of-month month day-of-week}) as crontab(5)
 * reads it, and the next time it fires.
 *
 * <p>Each field is {@code *} or a comma list of {@code n}, {@code a-b}, with an optional
 * {@code /step} after {@code *}, a range or a single value (which then runs to the field's end).
 * Months and days may be named ({@code JAN}, {@code MON}); day of week 0 and 7 are Sunday. As in
 * Vixie cron, when both day fields are restricted a day matches if either does ({@code 0 3 1 * MON}
 * fires on the 1st and on every Monday). An expression that can never fire ({@code 0 0 31 2 *})
 * is refused when parsed, so that a schedule nobody notices is dead cannot exist.
 *
 * <p>Times are wall-clock times of a zone. Where a daylight-saving change skips a time, it fires
 * when the clock skips past it (02:30 on a spring-forward night fires at 03:00): a nightly backup
 * is not silently lost. Where a change repeats an hour, a time fires once, in the first pass,
 * unless the hour field is {@code *}: then it fires in both passes, as an hourly job keeps its
 * rhythm of real time.
 */
public final class CronSchedule {

    /** The longest a valid expression waits: 29 February, with no leap year from 2097 to 2103. */
    private static final int SEARCH_DAYS = 366 * 9;
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
        "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final String expression;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;
    private final boolean anyHour;

    private CronSchedule(String expression, String[] fields) {
        this.expression = expression;
        this.minutes = Field.MINUTE.parse(fields[0]);
        this.hours = Field.HOUR.parse(fields[1]);
        this.daysOfMonth = Field.DAY_OF_MONTH.parse(fields[2]);
        this.months = Field.MONTH.parse(fields[3]);
        BitSet days = Field.DAY_OF_WEEK.parse(fields[4]);
        if (days.get(7)) {
            days.set(0);
            days.clear(7);
        }
        this.daysOfWeek = days;
        this.anyHour = fields[1].startsWith("*");
        this.anyDayOfMonth = fields[2].startsWith("*");
        this.anyDayOfWeek = fields[4].startsWith("*");
    }

    /**
     * @throws IllegalArgumentException saying which field is wrong and why, or that the expression
     *                                  never fires
     */
    public static CronSchedule parse(String expression) {
        String[] fields = expression.strip().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("has " + (expression.isBlank() ? 0 : fields.length)
                    + " fields, not 5 (minute hour day-of-month month day-of-week)");
        }
        CronSchedule schedule = new CronSchedule(expression, fields);
        schedule.checkFires();
        return schedule;
    }

    /** The first time after {@code after} (strictly) at which the schedule fires, in whole minutes. */
    public Instant next(Instant after, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        LocalDate day = LocalDateTime.ofInstant(after, zone).toLocalDate().minusDays(1);
        for (int i = 0; i <= SEARCH_DAYS; i++, day = day.plusDays(1)) {
            if (!matches(day)) {
                continue;
            }
            Optional<Instant> first = firstOn(day, after, rules);
            if (first.isPresent()) {
                return first.get();
            }
        }
        throw new IllegalStateException("cron " + expression + " does not fire within " + SEARCH_DAYS + " days");
    }

    @Override
    public String toString() {
        return expression;
    }

    private boolean matches(LocalDate day) {
        if (!months.get(day.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(day.getDayOfMonth());
        boolean dow = daysOfWeek.get(day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : day.getDayOfWeek().getValue());
        if (anyDayOfMonth || anyDayOfWeek) {
            return (anyDayOfMonth || dom) && (anyDayOfWeek || dow);
        }
        return dom || dow;
    }

    /** The earliest firing instant of the day after {@code after}; a day's instants all precede the next day's. */
    private Optional<Instant> firstOn(LocalDate day, Instant after, ZoneRules rules) {
        Instant best = null;
        for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
            for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                for (Instant at : instants(LocalDateTime.of(day, LocalTime.of(h, m)), rules)) {
                    if (at.isAfter(after) && (best == null || at.isBefore(best))) {
                        best = at;
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** When a wall-clock time happens: once, never (then when the gap ends), or twice (see the class). */
    private List<Instant> instants(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        List<Instant> at = new ArrayList<>();
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            at.add(gap.getInstant());
        } else {
            at.add(local.toInstant(offsets.get(0)));
            if (offsets.size() == 2 && anyHour) {
                at.add(local.toInstant(offsets.get(1)));
            }
        }
        return at;
    }

    /** Only a day of month that no chosen month has can make an expression dead (days of week always come). */
    private void checkFires() {
        if (anyDayOfMonth || !anyDayOfWeek) {
            return;
        }
        for (int month = months.nextSetBit(1); month >= 0; month = months.nextSetBit(month + 1)) {
            int longest = java.time.Month.of(month).maxLength();
            if (daysOfMonth.nextSetBit(1) <= longest) {
                return;
            }
        }
        throw new IllegalArgumentException("never fires: no chosen month has day " + daysOfMonth.nextSetBit(1)
                + (daysOfMonth.cardinality() > 1 ? " or later" : ""));
    }

    private enum Field {
        MINUTE("minute", 0, 59, null),
        HOUR("hour", 0, 23, null),
        DAY_OF_MONTH("day-of-month", 1, 31, null),
        MONTH("month", 1, 12, MONTHS),
        DAY_OF_WEEK("day-of-week", 0, 7, DAYS);

        private final String label;
        private final int min;
        private final int max;
        private final String[] names;

        Field(String label, int min, int max, String[] names) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }

        BitSet parse(String text) {
            BitSet values = new BitSet(max + 1);
            for (String item : text.split(",", -1)) {
                item(item, values);
            }
            return values;
        }

        private void item(String item, BitSet values) {
            String[] stepParts = item.split("/", -1);
            if (stepParts.length > 2 || item.isEmpty()) {
                throw problem("'" + item + "' is not a value, range or step");
            }
            int step = stepParts.length == 2 ? number(stepParts[1], "step") : 1;
            if (step < 1) {
                throw problem("step must be at least 1 in '" + item + "'");
            }
            String range = stepParts[0];
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw problem("'" + item + "' is not a value, range or step");
                }
                from = value(ends[0]);
                to = value(ends[1]);
                if (from > to) {
                    throw problem("range " + range + " runs backwards (write it as two ranges)");
                }
            } else {
                from = value(range);
                to = stepParts.length == 2 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                values.set(v);
            }
        }

        private int value(String text) {
            if (names != null) {
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equals(text.toUpperCase(Locale.ROOT))) {
                        return i + min;
                    }
                }
            }
            int v = number(text, "value");
            if (v < min || v > max) {
                throw problem(v + " is out of range " + min + "-" + max);
            }
            return v;
        }

        private int number(String text, String what) {
            if (!text.matches("[0-9]{1,4}")) {
                throw problem("'" + text + "' is not a " + what + (names == null ? "" : " or a name such as "
                        + names[1]));
            }
            return Integer.parseInt(text);
        }

        private IllegalArgumentException problem(String why) {
            return new IllegalArgumentException(label + " field: " + why);
        }
    }
}
