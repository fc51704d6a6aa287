package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Runs until its gate opens (or it is interrupted), under the semaphore the test names. */
public class GateTask extends Task {
  String gate = "";
  String semaphoreName = "single";
  /** Several semaphores at once (the first is its line); empty: semaphore_name alone. */
  java.util.List<String> semaphoreNames = new java.util.ArrayList<>();
  String concurrencyKey = "";

  @Override
  public String semaphoreName() {
    return semaphoreName;
  }

  @Override
  public java.util.List<String> semaphoreNames() {
    return semaphoreNames.isEmpty() ? java.util.List.of(semaphoreName) : semaphoreNames;
  }

  @Override
  public String concurrencyKey() {
    return concurrencyKey.isEmpty() ? null : concurrencyKey;
  }

  @Override
  protected void run() throws Exception {
    setHeading("waiting at " + gate);
    Gates.pass(gate);
    setProgress(100);
  }
}
