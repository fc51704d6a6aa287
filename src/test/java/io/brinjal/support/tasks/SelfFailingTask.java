package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Returns normally but marks itself failed, as the seed's tasks set status = "failed". */
public class SelfFailingTask extends Task {
  @Override
  protected void run() {
    setBody("backend unreachable, giving up");
    setResults(java.util.Map.of("attempts", 3));
    markFailed("backend down");
  }
}
