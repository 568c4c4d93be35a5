package io.dinostream.app.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** crontab(5) semantics of the retrain loop's --cron schedule (pure logic). */
class CronScheduleTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static ZonedDateTime at(int y, int mo, int d, int h, int mi) {
        return ZonedDateTime.of(y, mo, d, h, mi, 0, 0, UTC);
    }

    @Test
    void dailyAtThree() {
        CronSchedule s = CronSchedule.parse("0 3 * * *");
        assertEquals(at(2026, 12, 4, 3, 0), s.next(at(2026, 12, 3, 13, 26)));
        assertEquals(at(2026, 12, 3, 3, 0), s.next(at(2026, 12, 3, 2, 59)));
        assertEquals(at(2026, 12, 4, 3, 0), s.next(at(2026, 12, 3, 3, 0)), "strictly after");
    }

    @Test
    void stepsListsAndRanges() {
        CronSchedule s = CronSchedule.parse("*/15 9-17 * * mon-fri");
        // Thursday 2026-12-03 13:26 -> 13:30; Friday 17:45 -> Monday 09:00
        assertEquals(at(2026, 12, 3, 13, 30), s.next(at(2026, 12, 3, 13, 26)));
        assertEquals(at(2026, 12, 7, 9, 0), s.next(at(2026, 12, 4, 17, 45)));
        CronSchedule list = CronSchedule.parse("5,35 0 1 jan,jul *");
        assertEquals(at(2027, 1, 1, 0, 5), list.next(at(2026, 7, 1, 0, 35)));
        assertEquals(at(2026, 7, 1, 0, 35), list.next(at(2026, 7, 1, 0, 5)));
    }

    @Test
    void bothDayFieldsRestrictedMeansEither() {
        // The 13th or any Friday (crontab's rule): from Monday 2026-12-07, Friday the 11th comes first.
        CronSchedule s = CronSchedule.parse("0 0 13 * 5");
        assertEquals(at(2026, 12, 11, 0, 0), s.next(at(2026, 12, 7, 0, 0)));
        assertEquals(at(2026, 12, 13, 0, 0), s.next(at(2026, 12, 11, 0, 0)));
    }

    @Test
    void sundayIsZeroAndSeven() {
        ZonedDateTime thursday = at(2026, 12, 3, 0, 0);
        assertEquals(
                CronSchedule.parse("0 0 * * 0").next(thursday),
                CronSchedule.parse("0 0 * * 7").next(thursday));
        assertEquals(at(2026, 12, 6, 0, 0), CronSchedule.parse("0 0 * * sun").next(thursday));
    }

    @Test
    void leapDayFiresOnlyInLeapYears() {
        assertEquals(at(2028, 2, 29, 12, 0), CronSchedule.parse("0 12 29 2 *").next(at(2026, 12, 3, 0, 0)));
    }

    @Test
    void badSchedulesAreRefusedWithTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 3 * *"))
                .getMessage()
                .contains("five fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("60 3 * * *"))
                .getMessage()
                .startsWith("minute"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 3 * foo *"))
                .getMessage()
                .startsWith("month"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("*/0 * * * *"))
                .getMessage()
                .contains("step"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 0 31 2 *"))
                .getMessage()
                .contains("never fires"));
    }
}
