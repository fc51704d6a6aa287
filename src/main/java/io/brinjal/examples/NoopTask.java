package io.brinjal.examples;

import io.brinjal.task.Task;

/** Does nothing and finishes at once: measures the server's own overhead per task. */
public class NoopTask extends Task {
  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  protected void run() {
    setProgress(100);
  }
}
