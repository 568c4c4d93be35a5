package io.dinostream.app.retrain;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;

/**
 * A cron schedule of five fields, as crontab(5) writes them: minute (0-59), hour (0-23), day of month
 * (1-31), month (1-12 or jan-dec) and day of week (0-7 or sun-sat, 0 and 7 both Sunday). Each field is
 * an asterisk (every value), a value, a range {@code a-b}, either of those with a step ({@code 0-59/15}, or
 * an asterisk followed by {@code /15}), or a comma list of those.
 * As in cron, when both day fields are restricted a day matches if either matches.
 */
public final class CronSchedule {
    private static final String[] MONTHS = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
    };
    private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    /** Far enough to cross any leap-year February 29th; a schedule that never fires is refused. */
    private static final int SEARCH_MINUTES = 60 * 24 * 366 * 5;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthRestricted;
    private final boolean dayOfWeekRestricted;

    private CronSchedule(String text, String[] fields) {
        this.text = text;
        this.minutes = parseField(fields[0], 0, 59, null, "minute");
        this.hours = parseField(fields[1], 0, 23, null, "hour");
        this.daysOfMonth = parseField(fields[2], 1, 31, null, "day of month");
        this.months = parseField(fields[3], 1, 12, MONTHS, "month");
        BitSet dow = parseField(fields[4], 0, 7, DAYS, "day of week");
        if (dow.get(7)) {
            dow.set(0); // 7 is Sunday too
            dow.clear(7);
        }
        this.daysOfWeek = dow;
        this.dayOfMonthRestricted = !fields[2].equals("*");
        this.dayOfWeekRestricted = !fields[4].equals("*");
    }

    /**
     * @throws IllegalArgumentException naming the field that does not parse, or when the schedule never fires
     */
    public static CronSchedule parse(String text) {
        String[] fields = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("a cron schedule has five fields (minute hour day-of-month month "
                    + "day-of-week), got " + fields.length + ": '" + text + "'");
        }
        CronSchedule schedule = new CronSchedule(text.trim(), fields);
        ZonedDateTime probe = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, java.time.ZoneOffset.UTC);
        if (schedule.nextAfter(probe, SEARCH_MINUTES) == null) {
            throw new IllegalArgumentException("cron schedule '" + text + "' never fires");
        }
        return schedule;
    }

    /** The first minute strictly after {@code time} that the schedule fires at, in {@code time}'s zone. */
    public ZonedDateTime next(ZonedDateTime time) {
        ZonedDateTime next = nextAfter(time, SEARCH_MINUTES);
        if (next == null) {
            throw new IllegalStateException("cron schedule '" + text + "' never fires"); // parse refuses these
        }
        return next;
    }

    private ZonedDateTime nextAfter(ZonedDateTime time, int limit) {
        ZonedDateTime t = time.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        for (int i = 0; i < limit; i++) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
                continue;
            }
            if (!dayMatches(t)) {
                t = t.withHour(0).withMinute(0).plusDays(1);
                continue;
            }
            if (!hours.get(t.getHour())) {
                t = t.withMinute(0).plusHours(1);
                continue;
            }
            if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
                continue;
            }
            return t;
        }
        return null;
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        int dowIndex =
                t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue();
        boolean dow = daysOfWeek.get(dowIndex);
        if (dayOfMonthRestricted && dayOfWeekRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    private static BitSet parseField(String field, int min, int max, String[] names, String what) {
        BitSet set = new BitSet(max + 1);
        for (String part : field.split(",")) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), null, 0, what, part);
                if (step < 1) {
                    throw new IllegalArgumentException(what + ": step must be at least 1 in '" + part + "'");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                String[] ends = range.split("-", 2);
                from = number(ends[0], names, min, what, part);
                to = number(ends[1], names, min, what, part);
            } else {
                from = number(range, names, min, what, part);
                to = slash >= 0 ? max : from; // "5/15" means from 5 to the end, every 15
            }
            if (from < min || to > max || from > to) {
                throw new IllegalArgumentException(
                        what + ": '" + part + "' is outside " + min + "-" + max + " or an empty range");
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(String token, String[] names, int firstNameValue, String what, String part) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(token)) {
                    return firstNameValue + i;
                }
            }
        }
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + ": '" + token + "' in '" + part + "' is not a number" + (names == null ? "" : " or a name"));
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
