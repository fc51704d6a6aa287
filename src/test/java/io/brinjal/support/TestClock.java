package io.brinjal.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move. Frozen: it reads exactly what the test set (unit tests step it). Ticking:
 * it runs at real speed from wherever the test set it (HTTP tests, where real timers must fire).
 */
public final class TestClock extends Clock {
  private final boolean ticking;
  private volatile Instant frozenAt;
  private volatile Duration offset = Duration.ZERO;

  private TestClock(boolean ticking, Instant start) {
    this.ticking = ticking;
    set(start);
  }

  public static TestClock frozenAt(String iso) {
    return new TestClock(false, Instant.parse(iso));
  }

  public static TestClock ticking() {
    return new TestClock(true, Instant.now());
  }

  /** From now on the clock reads {@code at} (and, if ticking, runs on from there). */
  public void set(Instant at) {
    if (ticking) offset = Duration.between(Instant.now(), at);
    else frozenAt = at;
  }

  public void set(String iso) {
    set(Instant.parse(iso));
  }

  @Override
  public Instant instant() {
    return ticking ? Instant.now().plus(offset) : frozenAt;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("Brinjal reads instants only");
  }
}
