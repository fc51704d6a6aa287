package io.brinjal.execution;

/**
 * How often one task's live changes may go out: a token bucket that refills one flush per
 * interval and holds {@value #BURST}. A change after a quiet spell goes out at once, and so does
 * the next one of the same burst (a step that sets its body and then its progress sends both
 * without waiting a whole interval for the second); only changes that keep coming faster than
 * the interval wait, and then at most one flush per interval goes out. Event-loop confined.
 */
final class FlushBudget {
  /** Flushes that may go out back to back after a quiet spell. */
  static final int BURST = 2;

  private final long intervalNanos;
  private double tokens = BURST;
  private long refilledAtNanos;

  FlushBudget(long intervalNanos, long nowNanos) {
    this.intervalNanos = intervalNanos;
    this.refilledAtNanos = nowNanos;
  }

  /** Nanoseconds until a flush may go out: 0 means now (and that flush is taken from the budget). */
  long takeOrWait(long nowNanos) {
    if (intervalNanos <= 0) return 0;
    tokens = Math.min(BURST, tokens + (double) (nowNanos - refilledAtNanos) / intervalNanos);
    refilledAtNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) * intervalNanos));
  }
}
