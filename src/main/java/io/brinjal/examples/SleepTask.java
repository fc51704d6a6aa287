package io.brinjal.examples;

import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.Param;
import io.brinjal.task.Task;
import java.util.ArrayList;
import java.util.List;

/** Sleeps; the one type whose semaphores and concurrency key the caller chooses, to measure each limit. */
public class SleepTask extends Task {
  /** The most semaphores one sleep may take. */
  static final int MAX_SEMAPHORES = 8;

  @Param("seconds to sleep")
  double sleepTime = 0.2;

  @Param("the semaphore to run under; unknown names fall back to default")
  String semaphoreName = "default";

  @Param("several semaphores to take a permit of at once (the first is the line it waits in); overrides semaphore_name")
  List<String> semaphoreNames = new ArrayList<>();

  @Param("a concurrency key (a tenant, a user): a semaphore's per_key limit applies to tasks of one key")
  String concurrencyKey = "";

  @Override
  public String semaphoreName() {
    return semaphoreNames.isEmpty() ? semaphoreName : semaphoreNames.get(0);
  }

  @Override
  public List<String> semaphoreNames() {
    return semaphoreNames.isEmpty() ? List.of(semaphoreName) : List.copyOf(semaphoreNames);
  }

  @Override
  public String concurrencyKey() {
    return concurrencyKey.isEmpty() ? null : concurrencyKey;
  }

  @Override
  protected void validate() {
    Checks.seconds("sleep_time", sleepTime);
    if (semaphoreName == null || semaphoreName.isBlank()) {
      throw new InvalidParameterException("semaphore_name", "must not be empty");
    }
    Checks.length("semaphore_name", semaphoreName, 64);
    if (semaphoreNames.size() > MAX_SEMAPHORES) {
      throw new InvalidParameterException("semaphore_names", "must name at most " + MAX_SEMAPHORES + " semaphores");
    }
    for (String name : semaphoreNames) {
      if (name == null || name.isBlank()) throw new InvalidParameterException("semaphore_names", "must not hold empty names");
      Checks.length("semaphore_names", name, 64);
    }
    if (concurrencyKey == null) throw new InvalidParameterException("concurrency_key", "must be a string");
    Checks.length("concurrency_key", concurrencyKey, 200);
  }

  @Override
  protected void run() throws Exception {
    setHeading("Sleeping " + sleepTime + " s");
    sleepSeconds(sleepTime);
    setProgress(100);
  }
}
