package io.brinjal.examples;

import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.Param;
import io.brinjal.task.Task;

/** Sleeps; the one type whose semaphore the caller chooses, to measure each limit. */
public class SleepTask extends Task {
  @Param("seconds to sleep")
  double sleepTime = 0.2;

  @Param("the semaphore to run under; unknown names fall back to default")
  String semaphoreName = "default";

  @Override
  public String semaphoreName() {
    return semaphoreName;
  }

  @Override
  protected void validate() {
    Checks.seconds("sleep_time", sleepTime);
    if (semaphoreName == null || semaphoreName.isBlank()) {
      throw new InvalidParameterException("semaphore_name", "must not be empty");
    }
    Checks.length("semaphore_name", semaphoreName, 64);
  }

  @Override
  protected void run() throws Exception {
    setHeading("Sleeping " + sleepTime + " s");
    sleepSeconds(sleepTime);
    setProgress(100);
  }
}
