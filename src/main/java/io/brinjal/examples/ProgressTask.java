package io.brinjal.examples;

import io.brinjal.task.Param;
import io.brinjal.task.Task;
import java.time.Instant;

/**
 * Emits progress steps stamped with the wall-clock time, so a client can measure how long a
 * change takes to reach it: each step sets {@code body} to epoch microseconds, then progress.
 */
public class ProgressTask extends Task {
  @Param("number of steps, 1 to 100; progress is set to the step number")
  int steps = 100;

  @Param("milliseconds between steps")
  int intervalMs = 10;

  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  protected void validate() {
    Checks.range("steps", steps, 1, 100);
    Checks.range("interval_ms", intervalMs, 0, 60_000);
  }

  @Override
  protected void run() throws Exception {
    for (int step = 1; step <= steps; step++) {
      if (step > 1 && intervalMs > 0) Thread.sleep(intervalMs);
      Instant now = Instant.now();
      setBody(Long.toString(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000));
      setProgress(step);
    }
  }
}
