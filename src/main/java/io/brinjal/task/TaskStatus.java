package io.brinjal.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A task's lifecycle: (scheduled,) queued, running, then one terminal state. A failed attempt
 * with attempts left goes back to scheduled.
 */
public enum TaskStatus {
  /** Waits for its {@code run_at} (a delayed start, or the backoff before another attempt); then queued. */
  SCHEDULED,
  QUEUED,
  RUNNING,
  /** A cancel was asked for; the worker thread has not yet left {@code run()}. */
  CANCELLING,
  DONE,
  FAILED,
  CANCELLED;

  private final String wire = name().toLowerCase(Locale.ROOT);

  @JsonValue
  public String wire() {
    return wire;
  }

  public boolean isTerminal() {
    return this == DONE || this == FAILED || this == CANCELLED;
  }

  public static TaskStatus fromWire(String value) {
    for (TaskStatus s : values()) {
      if (s.wire.equals(value)) return s;
    }
    return null;
  }
}
