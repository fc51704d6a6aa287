package io.brinjal.recurring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One registered schedule and its statistics. Event-loop confined: owned by the
 * {@link RecurringScheduler} and touched only on the engine's event loop.
 */
final class Schedule {
  final String id;
  final ScheduleSpec spec;
  final Instant createdAt;
  /** Created over HTTP, so kept in the store; configured ones are declared anew at each start. */
  final boolean kept;
  /** Instances queued or running now; they count toward {@code max_concurrent}. */
  final Set<String> active = new LinkedHashSet<>();
  /** Instances queued by a firing that the store has not confirmed yet. */
  int storing;

  boolean enabled;
  String disabledReason;
  Instant nextRun; // null while disabled
  Instant lastRun;
  String lastError;
  int consecutiveFailures;
  long totalRuns;
  long totalFailures;
  long skippedRuns;

  Schedule(String id, ScheduleSpec spec, Instant createdAt, boolean kept) {
    this.id = id;
    this.spec = spec;
    this.createdAt = createdAt;
    this.kept = kept;
  }

  /** Puts enabled, disabled_reason, next_run and the failure count back as they are now. */
  Runnable undoToggle() {
    boolean wasEnabled = enabled;
    String reason = disabledReason;
    Instant next = nextRun;
    int failures = consecutiveFailures;
    return () -> {
      enabled = wasEnabled;
      disabledReason = reason;
      nextRun = next;
      consecutiveFailures = failures;
    };
  }

  /** What the store keeps: the definition and the statistics, not what a restart resets. */
  ObjectNode toStoredJson() {
    ObjectNode o = toJson();
    o.remove(RUNTIME_KEYS);
    return o;
  }

  /** Recomputed or emptied by a restart: the next run from now, no instance still queued. */
  static final java.util.List<String> RUNTIME_KEYS = java.util.List.of("next_run", "active_runs");

  /** Every key, always, with null where unset. */
  ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("recurring_id", id);
    o.put("task_type", spec.type().name());
    o.put("cron_expression", spec.cron().expression());
    o.put("tz", spec.cron().zone().getId());
    o.set("params", spec.params().deepCopy());
    o.put("max_concurrent", spec.maxConcurrent());
    o.put("pause_after_failures", spec.pauseAfterFailures());
    o.put("priority", spec.priority());
    o.put("max_attempts", spec.maxAttempts());
    o.put("enabled", enabled);
    o.put("disabled_reason", disabledReason);
    o.put("next_run", Json.timestamp(nextRun));
    o.put("last_run", Json.timestamp(lastRun));
    o.put("active_runs", active.size());
    o.put("consecutive_failures", consecutiveFailures);
    o.put("total_runs", totalRuns);
    o.put("total_failures", totalFailures);
    o.put("skipped_runs", skippedRuns);
    o.put("last_error", lastError);
    o.put("created_at", Json.timestamp(createdAt));
    return o;
  }
}
