package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Throws from run(), after writing a body that does not mention the failure. */
public class FailingTask extends Task {
  String message = "boom";

  @Override
  protected void run() {
    setBody("working");
    throw new IllegalArgumentException(message);
  }
}
