package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/**
 * Moves through {@code steps} progress values, each one only once the test opens the gate
 * {@code gate + "-" + step}: the test decides exactly when every state change happens.
 */
public class StepTask extends Task {
  String gate = "";
  int steps = 3;

  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  protected void run() throws Exception {
    for (int step = 1; step <= steps; step++) {
      Gates.pass(gate + "-" + step);
      // body first: once a client sees a step's progress, no later event repeats that progress
      // (progress first, the body could follow as a second event with the same progress)
      setBody("step " + step);
      setProgress(step * 100 / steps);
    }
  }
}
