package io.brinjal.recurring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigException;
import io.brinjal.config.ConfigLoader;
import io.brinjal.task.TaskRegistry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads one entry of the store file back into a {@link Schedule}: the definition is checked as
 * strictly as a configured schedule, the state and statistics as strictly as the definition.
 * Every error names the file, the entry and the key.
 */
final class StoredSchedule {
  private static final Set<String> STATE_KEYS = Set.of("recurring_id", "disabled_reason", "last_run", "last_error",
      "consecutive_failures", "total_runs", "total_failures", "skipped_runs", "created_at");
  private static final Set<String> KNOWN_KEYS = union(ConfigLoader.SCHEDULE_KEYS, STATE_KEYS);

  private StoredSchedule() {}

  static Schedule parse(ObjectNode entry, String where, TaskRegistry registry, ZoneId defaultTz) {
    entry.fieldNames().forEachRemaining(k -> {
      if (!KNOWN_KEYS.contains(k)) throw new ConfigException(where + "." + k + ": unknown key");
    });
    ObjectNode definition = entry.deepCopy();
    definition.remove(STATE_KEYS);
    BrinjalConfig.ScheduleEntry e = ConfigLoader.scheduleEntry(definition, where, defaultTz);
    ScheduleSpec spec = ScheduleSpec.fromEntry(registry, e, where);

    String id = text(entry, where, "recurring_id", false);
    if (id.isBlank()) throw new ConfigException(where + ".recurring_id: must not be empty");
    Schedule s = new Schedule(id, spec, instant(entry, where, "created_at", false), true);
    s.enabled = e.enabled();
    s.disabledReason = e.enabled() ? null : nonNull(text(entry, where, "disabled_reason", true), "disabled");
    s.lastRun = instant(entry, where, "last_run", true);
    s.lastError = text(entry, where, "last_error", true);
    s.consecutiveFailures = (int) Math.min(Integer.MAX_VALUE, count(entry, where, "consecutive_failures"));
    s.totalRuns = count(entry, where, "total_runs");
    s.totalFailures = count(entry, where, "total_failures");
    s.skippedRuns = count(entry, where, "skipped_runs");
    return s;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  private static String nonNull(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static String text(ObjectNode entry, String where, String key, boolean nullable) {
    JsonNode v = entry.get(key);
    if ((v == null || v.isNull()) && nullable) return null;
    if (v == null || !v.isTextual()) throw new ConfigException(where + "." + key + ": must be a string");
    return v.textValue();
  }

  private static Instant instant(ObjectNode entry, String where, String key, boolean nullable) {
    String raw = text(entry, where, key, nullable);
    if (raw == null) return null;
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException ex) {
      throw new ConfigException(where + "." + key + ": '" + raw + "' is not a UTC timestamp like 2026-01-31T02:00:00.000Z");
    }
  }

  private static long count(ObjectNode entry, String where, String key) {
    JsonNode v = entry.get(key);
    if (v == null) return 0;
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.longValue() < 0) {
      throw new ConfigException(where + "." + key + ": must be a whole number of at least 0, got " + v);
    }
    return v.longValue();
  }
}
