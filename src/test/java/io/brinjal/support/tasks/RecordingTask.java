package io.brinjal.support.tasks;

import io.brinjal.task.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Notes its label when it runs, so a test sees the order tasks really started in. */
public class RecordingTask extends Task {
  public static final List<String> STARTED = new CopyOnWriteArrayList<>();

  String label = "";
  String semaphoreName = "single";

  @Override
  public String semaphoreName() {
    return semaphoreName;
  }

  @Override
  protected void run() {
    STARTED.add(label);
    setResults(label);
  }
}
