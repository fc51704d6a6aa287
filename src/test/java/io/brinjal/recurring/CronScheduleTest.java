package io.brinjal.recurring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Next-run computation for every supported form, and the daylight-saving contract. */
class CronScheduleTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");

  /** The next {@code n} firings after {@code from}, written with the zone's offset at each. */
  private static List<String> fires(String expression, ZoneId zone, String from, int n) {
    List<Instant> next = CronSchedule.parse(expression, zone).next(OffsetDateTime.parse(from).toInstant(), n);
    return next.stream().map(i -> i.atZone(zone).toOffsetDateTime().toString()).toList();
  }

  private static List<String> utc(String expression, String from, int n) {
    return fires(expression, UTC, from, n);
  }

  // ---------------------------------------------------------------- the forms

  @Test
  void everyFiveMinutesStartsAtTheNextMatchStrictlyAfterNow() {
    assertEquals(List.of("2026-01-05T12:05Z", "2026-01-05T12:10Z", "2026-01-05T12:15Z"),
        utc("*/5 * * * *", "2026-01-05T12:03:10Z", 3));
    // exactly on a match: that instant is "now", so the first run is the following one
    assertEquals(List.of("2026-01-05T12:10Z"), utc("*/5 * * * *", "2026-01-05T12:05:00Z", 1));
    assertEquals(List.of("2026-01-05T12:05Z"), utc("*/5 * * * *", "2026-01-05T12:04:59.999Z", 1));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // fixed times, ranges, lists, steps and steps over ranges
      "0 2 * * *          | 2026-01-05T02:00Z, 2026-01-06T02:00Z",
      "0 9-11 * * *       | 2026-01-05T09:00Z, 2026-01-05T10:00Z, 2026-01-05T11:00Z, 2026-01-06T09:00Z",
      "0,20,40 8 * * *    | 2026-01-05T08:00Z, 2026-01-05T08:20Z, 2026-01-05T08:40Z, 2026-01-06T08:00Z",
      "10-50/20 3 * * *   | 2026-01-05T03:10Z, 2026-01-05T03:30Z, 2026-01-05T03:50Z, 2026-01-06T03:10Z",
      "0 */8 * * *        | 2026-01-05T08:00Z, 2026-01-05T16:00Z, 2026-01-06T00:00Z",
      "0 0 1-31/10 * *    | 2026-01-11T00:00Z, 2026-01-21T00:00Z, 2026-01-31T00:00Z, 2026-02-01T00:00Z",
      // month and weekday names, any case
      "0 0 * * MON        | 2026-01-12T00:00Z, 2026-01-19T00:00Z",
      "0 0 * * mon-wed    | 2026-01-06T00:00Z, 2026-01-07T00:00Z, 2026-01-12T00:00Z, 2026-01-13T00:00Z",
      "0 0 1 JAN,jul *    | 2026-07-01T00:00Z, 2027-01-01T00:00Z",
      "0 0 15 FEB-MAR *   | 2026-02-15T00:00Z, 2026-03-15T00:00Z, 2027-02-15T00:00Z",
      // Sunday is 0, 7 or SUN, also at either end of a range
      "0 0 * * 0          | 2026-01-11T00:00Z, 2026-01-18T00:00Z",
      "0 0 * * 7          | 2026-01-11T00:00Z, 2026-01-18T00:00Z",
      "0 0 * * SUN        | 2026-01-11T00:00Z, 2026-01-18T00:00Z",
      "0 0 * * SUN-TUE    | 2026-01-06T00:00Z, 2026-01-11T00:00Z, 2026-01-12T00:00Z",
      "0 0 * * FRI-SUN    | 2026-01-09T00:00Z, 2026-01-10T00:00Z, 2026-01-11T00:00Z, 2026-01-16T00:00Z",
      "0 0 * * 5-7        | 2026-01-09T00:00Z, 2026-01-10T00:00Z, 2026-01-11T00:00Z, 2026-01-16T00:00Z",
      // both day fields restricted: either may match (Friday, or the 13th, a Tuesday here)
      "0 0 13 * FRI       | 2026-01-09T00:00Z, 2026-01-13T00:00Z, 2026-01-16T00:00Z",
      // leap day
      "0 0 29 2 *         | 2028-02-29T00:00Z, 2032-02-29T00:00Z",
      // the macros
      "@hourly            | 2026-01-05T01:00Z, 2026-01-05T02:00Z",
      "@daily             | 2026-01-06T00:00Z, 2026-01-07T00:00Z",
      "@midnight          | 2026-01-06T00:00Z, 2026-01-07T00:00Z",
      "@weekly            | 2026-01-11T00:00Z, 2026-01-18T00:00Z",
      "@monthly           | 2026-02-01T00:00Z, 2026-03-01T00:00Z",
      "@yearly            | 2027-01-01T00:00Z, 2028-01-01T00:00Z",
      "@annually          | 2027-01-01T00:00Z, 2028-01-01T00:00Z",
      "@DAILY             | 2026-01-06T00:00Z, 2026-01-07T00:00Z",
  })
  void eachFormComputesItsNextRuns(String expression, String expected) {
    List<String> want = List.of(expected.split(",\\s*"));
    // Monday 2026-01-05, 00:30 UTC
    assertEquals(want, utc(expression, "2026-01-05T00:30:00Z", want.size()));
  }

  @Test
  void extraWhitespaceIsIgnoredAndTheExpressionKeptTidy() {
    CronSchedule c = CronSchedule.parse("  0   2 * *  * ", UTC);
    assertEquals("0 2 * * *", c.expression());
    assertEquals(List.of("2026-01-06T02:00Z"), utc("  0   2 * *  * ", "2026-01-05T12:00:00Z", 1));
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''                | is empty",
      "* * * *           | 5-field",
      "* * * * * *       | 5-field",
      "60 * * * *        | 60",
      "* 24 * * *        | 24",
      "* * 0 * *         | 0",
      "* * * 13 *        | 13",
      "* * * * 8         | 8",
      "*/0 * * * *       | 0",
      "5-1 * * * *       | range",
      "0 0 L * *         | L",
      "0 0 ? * *         | ?",
      "0 0 * * 1#2       | 1#2",
      "a b c d e         | A",
      "@reboot           | not a supported macro",
      "@every_minute     | not a supported macro",
      "0 0 31 2 *        | never matches",
      "0 0 30 FEB *      | never matches",
  })
  void badExpressionsAreRefusedSayingWhy(String expression, String reason) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(expression, UTC));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void timeZonesAreIanaNames() {
    assertEquals(BERLIN, CronSchedule.zone("Europe/Berlin"));
    assertEquals(UTC, CronSchedule.zone("UTC"));
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.zone("Mars/Olympus_Mons"));
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.zone(""));
  }

  @Test
  void aZoneShiftsTheWallClock() {
    assertEquals(List.of("2026-01-05T02:00+01:00"), fires("0 2 * * *", BERLIN, "2026-01-04T23:00:00Z", 1));
    assertEquals(List.of("2026-07-05T02:00+02:00"), fires("0 2 * * *", BERLIN, "2026-07-04T23:00:00Z", 1));
  }

  // ---------------------------------------------------------------- daylight saving: fall back

  @Test
  void fallBackNewYorkAWallTimeThatOccursTwiceFiresOnce() {
    // 2025-11-02: 01:59:59 EDT (-04:00) is followed by 01:00:00 EST (-05:00)
    assertEquals(List.of("2025-11-02T01:30-04:00", "2025-11-03T01:30-05:00"),
        fires("30 1 * * *", NEW_YORK, "2025-11-01T12:00:00-04:00", 2));
    // every half hour: the repeated 01:00 and 01:30 are not fired again
    assertEquals(List.of("2025-11-02T00:30-04:00", "2025-11-02T01:00-04:00", "2025-11-02T01:30-04:00",
            "2025-11-02T02:00-05:00", "2025-11-02T02:30-05:00"),
        fires("*/30 * * * *", NEW_YORK, "2025-11-02T00:00:00-04:00", 5));
    // asked from inside the second pass, the already-fired 01:30 is not due again
    assertEquals(List.of("2025-11-03T01:30-05:00"), fires("30 1 * * *", NEW_YORK, "2025-11-02T01:10:00-05:00", 1));
  }

  @Test
  void fallBackBerlinAWallTimeThatOccursTwiceFiresOnce() {
    // 2025-10-26: 02:59:59 CEST (+02:00) is followed by 02:00:00 CET (+01:00)
    assertEquals(List.of("2025-10-26T02:30+02:00", "2025-10-27T02:30+01:00"),
        fires("30 2 * * *", BERLIN, "2025-10-25T12:00:00+02:00", 2));
    assertEquals(List.of("2025-10-26T02:00+02:00", "2025-10-26T02:15+02:00", "2025-10-26T02:30+02:00",
            "2025-10-26T02:45+02:00", "2025-10-27T02:00+01:00"),
        fires("*/15 2 * * *", BERLIN, "2025-10-26T01:00:00+02:00", 5));
  }

  @Test
  void fallBackSydneyAWallTimeThatOccursTwiceFiresOnce() {
    // southern hemisphere, 2026-04-05: 02:59:59 AEDT (+11:00) is followed by 02:00:00 AEST (+10:00)
    assertEquals(List.of("2026-04-05T02:30+11:00", "2026-04-06T02:30+10:00"),
        fires("30 2 * * *", SYDNEY, "2026-04-04T12:00:00+11:00", 2));
  }

  // ---------------------------------------------------------------- daylight saving: spring forward

  @Test
  void springForwardNewYorkAMissingWallTimeFiresOnceWhenTheGapEnds() {
    // 2025-03-09: 01:59:59 EST (-05:00) is followed by 03:00:00 EDT (-04:00); 02:30 does not exist
    assertEquals(List.of("2025-03-09T03:00-04:00", "2025-03-10T02:30-04:00"),
        fires("30 2 * * *", NEW_YORK, "2025-03-08T12:00:00-05:00", 2));
    // four missing wall times collapse into one firing
    assertEquals(List.of("2025-03-09T03:00-04:00", "2025-03-10T02:00-04:00"),
        fires("*/15 2 * * *", NEW_YORK, "2025-03-09T00:00:00-05:00", 2));
    // a missing time and a real one at the same instant still fire once
    assertEquals(List.of("2025-03-09T03:00-04:00", "2025-03-09T03:30-04:00", "2025-03-10T02:00-04:00"),
        fires("0,30 2,3 * * *", NEW_YORK, "2025-03-09T01:00:00-05:00", 3));
    // hourly at :30: 01:30, then the missing 02:30 at 03:00, then 03:30
    assertEquals(List.of("2025-03-09T01:30-05:00", "2025-03-09T03:00-04:00", "2025-03-09T03:30-04:00"),
        fires("30 * * * *", NEW_YORK, "2025-03-09T01:00:00-05:00", 3));
  }

  @Test
  void springForwardBerlinAMissingWallTimeFiresOnceWhenTheGapEnds() {
    // 2025-03-30: 01:59:59 CET (+01:00) is followed by 03:00:00 CEST (+02:00)
    assertEquals(List.of("2025-03-30T03:00+02:00", "2025-03-31T02:30+02:00"),
        fires("30 2 * * *", BERLIN, "2025-03-29T12:00:00+01:00", 2));
    assertEquals(List.of("2025-03-30T03:00+02:00", "2025-03-31T02:00+02:00"),
        fires("*/10 2 * * *", BERLIN, "2025-03-30T01:00:00+01:00", 2));
  }

  @Test
  void springForwardSydneyAMissingWallTimeFiresOnceWhenTheGapEnds() {
    // 2025-10-05: 01:59:59 AEST (+10:00) is followed by 03:00:00 AEDT (+11:00)
    assertEquals(List.of("2025-10-05T03:00+11:00", "2025-10-06T02:30+11:00"),
        fires("30 2 * * *", SYDNEY, "2025-10-04T12:00:00+10:00", 2));
  }
}
