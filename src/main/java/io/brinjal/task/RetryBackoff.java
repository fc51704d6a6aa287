package io.brinjal.task;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed task waits before its next attempt: random from zero to {@code base}
 * doubled per attempt already made, never more than {@code max} ("full jitter", so retries of
 * many tasks that failed together spread out instead of hitting a recovering service at once).
 * Without jitter the wait is that bound itself.
 *
 * @param base the bound after the first attempt
 * @param max the bound never exceeded
 * @param jitter whether the wait is drawn at random below the bound
 */
public record RetryBackoff(Duration base, Duration max, boolean jitter) {
  public RetryBackoff {
    if (base == null || base.isNegative() || base.isZero()) throw new IllegalArgumentException("base must be above zero");
    if (max == null || max.compareTo(base) < 0) throw new IllegalArgumentException("max must be at least base");
  }

  /** Exponential with full jitter, as the server's {@code retry.*} settings are. */
  public static RetryBackoff exponential(Duration base, Duration max) {
    return new RetryBackoff(base, max, true);
  }

  /** The longest wait after {@code attemptsMade} attempts (1 after the first). */
  public Duration bound(int attemptsMade) {
    int doublings = Math.max(0, Math.min(attemptsMade - 1, 40)); // 2^40 × base passes any max
    long baseNanos = base.toNanos();
    long maxNanos = max.toNanos();
    return Duration.ofNanos(baseNanos > (maxNanos >> doublings) ? maxNanos : baseNanos << doublings);
  }

  /** The wait after {@code attemptsMade} attempts. */
  public Duration delay(int attemptsMade) {
    Duration bound = bound(attemptsMade);
    if (!jitter) return bound;
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound.toNanos() + 1));
  }
}
