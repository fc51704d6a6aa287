package io.brinjal.execution;

import java.time.Duration;
import java.time.Instant;

/**
 * How a request asks a task to be run, beside its parameters (which belong to the task): options
 * a queue's user sets per job.
 *
 * @param runTimeout a shorter run timeout than the type's own, or null
 * @param priority higher starts first within the task's semaphore; equal priorities keep their order
 * @param idempotencyKey a repeat with this key (same route, same parameters) within the
 *     configured time answers the first task and creates nothing; null for none
 * @param delay how long the task stays {@code scheduled} before it queues, or null
 * @param runAt when the task queues (instead of a delay), or null; a time past queues it at once
 * @param maxAttempts how many times it may run before it ends failed, or null for its type's
 */
public record JobOptions(Duration runTimeout, int priority, String idempotencyKey, Duration delay, Instant runAt,
    Integer maxAttempts) {
  public static final int MIN_PRIORITY = -100;
  public static final int MAX_PRIORITY = 100;
  /** The longest delay a request may ask for: a year. */
  public static final Duration MAX_DELAY = Duration.ofSeconds(31_536_000);

  public static final JobOptions DEFAULTS = new JobOptions(null, 0, null, null, null, null);

  public JobOptions {
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("priority must be from " + MIN_PRIORITY + " to " + MAX_PRIORITY);
    }
    if (delay != null && runAt != null) throw new IllegalArgumentException("a delay or a time to run at, not both");
    if (delay != null && (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0)) {
      throw new IllegalArgumentException("delay must be from 0 to " + MAX_DELAY.toSeconds() + " seconds");
    }
    if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > io.brinjal.task.TaskType.MAX_ATTEMPTS)) {
      throw new IllegalArgumentException("maxAttempts must be from 1 to " + io.brinjal.task.TaskType.MAX_ATTEMPTS);
    }
  }

  /** Priority and attempts only (what a recurring schedule gives the tasks it creates). */
  public static JobOptions of(int priority, Integer maxAttempts) {
    return new JobOptions(null, priority, null, null, null, maxAttempts);
  }

  /** When a task created {@code now} with these options queues: null for at once. */
  public Instant queuesAt(Instant now) {
    Instant at = runAt != null ? runAt : delay != null ? now.plus(delay) : null;
    return at == null || !at.isAfter(now) ? null : at;
  }
}
