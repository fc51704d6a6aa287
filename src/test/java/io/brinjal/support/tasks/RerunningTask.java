package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Safe to repeat: opts in to running again after the server died while it ran. */
public class RerunningTask extends Task {
  String gate = "";

  @Override
  public boolean rerunsAfterInterruption() {
    return true;
  }

  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  protected void run() throws Exception {
    if (!gate.isEmpty()) Gates.pass(gate);
    setResults("ran");
  }
}
