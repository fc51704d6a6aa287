package io.brinjal.support.tasks;

import io.brinjal.task.Task;
import java.time.Duration;

/** Declares a run timeout and then sleeps far past it. */
public class TimeLimitedTask extends Task {
  long timeoutMs = 200;

  @Override
  public Duration runTimeout() {
    return Duration.ofMillis(timeoutMs);
  }

  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  protected void run() throws Exception {
    setHeading("sleeping past my timeout");
    Thread.sleep(60_000);
  }
}
