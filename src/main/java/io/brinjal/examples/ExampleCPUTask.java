package io.brinjal.examples;

import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.Param;
import io.brinjal.task.Task;
import java.util.concurrent.ThreadLocalRandom;

/** The seed's CPU example: a start-up phase with indeterminate progress, then 100 steps. */
public class ExampleCPUTask extends Task {
  @Param("heading shown once the start-up phase is over")
  String name = "Example Task";

  @Param("seconds per step (100 steps)")
  double sleepTime = 0.1;

  @Param("chance, 0 to 1, of failing at each step")
  double failureProbability = 0.0;

  @Override
  public String semaphoreName() {
    return "single";
  }

  @Override
  protected void validate() {
    Checks.seconds("sleep_time", sleepTime);
    if (failureProbability < 0 || failureProbability > 1) {
      throw new InvalidParameterException("failure_probability", "must be between 0 and 1");
    }
    Checks.length("name", name, 1000);
  }

  @Override
  protected void run() throws Exception {
    setHeading("Starting up...");
    setBody("Preparing");
    setProgress(-1);
    sleepSeconds(1.0);
    setHeading(name);
    for (int step = 1; step <= 100; step++) {
      sleepSeconds(sleepTime);
      if (failureProbability > 0 && ThreadLocalRandom.current().nextDouble() < failureProbability) {
        throw new IllegalStateException("random failure at step " + step);
      }
      setProgress(step);
      setBody("Step " + step + " of 100");
    }
    setBody("Finished");
  }
}
