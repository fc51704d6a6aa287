package io.brinjal.recurring;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A standard 5-field cron expression in a time zone. cron-utils (UNIX definition) parses it and
 * walks the matching wall-clock times; this class turns those into instants under Brinjal's
 * daylight-saving contract:
 *
 * <ul>
 *   <li>a wall time that occurs twice (fall back) fires once, at its first occurrence;
 *   <li>a wall time that does not exist (spring forward) fires once, at the instant the gap ends
 *       (several such times collapse into that one firing).
 * </ul>
 *
 * Immutable.
 */
public final class CronSchedule {
  /** crontab(5) macros; the UNIX definition of cron-utils does not accept them itself. */
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");

  /** Any expression that matches at all matches some time after this (no year field). */
  private static final Instant NEVER_CHECK_FROM = Instant.parse("2000-01-01T00:00:00Z");

  /** Bounds the walk past wall times already fired in the first pass of a repeated hour. */
  private static final int MAX_STEPS = 10_000;

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime wallTimes;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime wallTimes) {
    this.expression = expression;
    this.zone = zone;
    this.wallTimes = wallTimes;
  }

  /**
   * Parses {@code expression}; throws {@link IllegalArgumentException} saying what is wrong
   * (without the expression itself, which the caller names).
   */
  public static CronSchedule parse(String expression, ZoneId zone) {
    if (expression == null || expression.isBlank()) throw new IllegalArgumentException("is empty");
    String given = expression.trim().replaceAll("\\s+", " ");
    String fields = given.startsWith("@") ? macro(given) : sundayFirstInRanges(given);
    ExecutionTime wallTimes;
    try {
      // a parser per call: parsing is rare, and cron-utils does not promise thread safety
      wallTimes = ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
          .parse(fields).validate());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not a valid 5-field cron expression: "
          + String.valueOf(e.getMessage()).replace("Failed to parse cron expression. ", ""));
    }
    CronSchedule schedule = new CronSchedule(given, zone, wallTimes);
    if (schedule.nextAfter(NEVER_CHECK_FROM).isEmpty()) throw new IllegalArgumentException("never matches");
    return schedule;
  }

  /** An IANA zone id such as {@code Europe/Berlin} (or {@code UTC}); throws saying what is wrong. */
  public static ZoneId zone(String tz) {
    try {
      return ZoneId.of(tz.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("is not a time zone (use an IANA name such as Europe/Berlin or UTC)");
    }
  }

  private static String macro(String given) {
    String fields = MACROS.get(given.toLowerCase(Locale.ROOT));
    if (fields == null) {
      throw new IllegalArgumentException("is not a supported macro (known: @yearly, @annually, @monthly, "
          + "@weekly, @daily, @midnight, @hourly)");
    }
    return fields;
  }

  /**
   * cron-utils reads the name SUN as 7, so a range that starts with it ({@code SUN-TUE}) would be
   * refused as backwards; in crontab SUN is 0 there.
   */
  private static String sundayFirstInRanges(String given) {
    String[] parts = given.split(" ");
    if (parts.length != 5) return given; // cron-utils words the error
    parts[4] = parts[4].replaceAll("(?i)(?<=^|,)SUN-", "0-");
    return String.join(" ", parts);
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first firing strictly after {@code after}; empty if the expression never matches again. */
  public Optional<Instant> nextAfter(Instant after) {
    // wall times are walked in UTC, a zone without daylight saving, then placed in the real zone
    ZonedDateTime wall = LocalDateTime.ofInstant(after, zone).atZone(ZoneOffset.UTC);
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<ZonedDateTime> next = wallTimes.nextExecution(wall);
      if (next.isEmpty()) return Optional.empty();
      wall = next.get();
      Instant fire = instantOf(wall.toLocalDateTime());
      // not after: the second pass of a repeated hour, whose wall time fired in the first pass
      if (fire.isAfter(after)) return Optional.of(fire);
    }
    return Optional.empty();
  }

  /** The next {@code n} firings after {@code after}, in order. */
  public List<Instant> next(Instant after, int n) {
    List<Instant> out = new ArrayList<>(n);
    Instant cursor = after;
    while (out.size() < n) {
      Optional<Instant> next = nextAfter(cursor);
      if (next.isEmpty()) break;
      cursor = next.get();
      out.add(cursor);
    }
    return out;
  }

  private Instant instantOf(LocalDateTime wall) {
    ZoneRules rules = zone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(wall);
    if (offsets.isEmpty()) return rules.getTransition(wall).getInstant(); // in a gap: when it ends
    return wall.toInstant(offsets.get(0)); // in an overlap the offset before the change: the first pass
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule c && c.expression.equals(expression) && c.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone);
  }

  @Override
  public String toString() {
    return "'" + expression + "' (" + zone + ")";
  }
}
