package io.brinjal.execution;

import java.time.Duration;

/**
 * How a request asks a task to be run, beside its parameters (which belong to the task): options
 * a queue's user sets per job.
 *
 * @param runTimeout a shorter run timeout than the type's own, or null
 * @param priority higher starts first within the task's semaphore; equal priorities keep their order
 * @param idempotencyKey a repeat with this key (same route, same parameters) within the
 *     configured time answers the first task and creates nothing; null for none
 */
public record JobOptions(Duration runTimeout, int priority, String idempotencyKey) {
  public static final int MIN_PRIORITY = -100;
  public static final int MAX_PRIORITY = 100;

  public static final JobOptions DEFAULTS = new JobOptions(null, 0, null);

  public JobOptions {
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("priority must be from " + MIN_PRIORITY + " to " + MAX_PRIORITY);
    }
  }
}
