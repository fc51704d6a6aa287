package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Runs until its gate opens (or it is interrupted), under the semaphore the test names. */
public class GateTask extends Task {
  String gate = "";
  String semaphoreName = "single";

  @Override
  public String semaphoreName() {
    return semaphoreName;
  }

  @Override
  protected void run() throws Exception {
    setHeading("waiting at " + gate);
    Gates.pass(gate);
    setProgress(100);
  }
}
