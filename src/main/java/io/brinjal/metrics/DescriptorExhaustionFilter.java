package io.brinjal.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Marker;

/**
 * Out of file descriptors, Netty fails every accept and logs the failure with a stack trace,
 * again each second while it lasts, which buries everything else. This lets the first such
 * line through and drops the rest for a minute; the {@code process_files_open_files} gauge
 * shows how it goes meanwhile.
 */
public final class DescriptorExhaustionFilter extends TurboFilter {
  private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - QUIET_NANOS);

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (!exhausted(t)) return FilterReply.NEUTRAL;
    long now = System.nanoTime();
    long last = lastLogged.get();
    return now - last >= QUIET_NANOS && lastLogged.compareAndSet(last, now) ? FilterReply.NEUTRAL : FilterReply.DENY;
  }

  private static boolean exhausted(Throwable t) {
    for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
      if (String.valueOf(t.getMessage()).contains("Too many open files")) return true;
    }
    return false;
  }
}
