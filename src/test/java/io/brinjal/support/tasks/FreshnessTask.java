package io.brinjal.support.tasks;

import io.brinjal.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reports how often run() ran on this very object and how long its list parameter grew. */
public class FreshnessTask extends Task {
  List<String> tags = new ArrayList<>();
  transient int runsOnThisObject;

  @Override
  protected void run() {
    runsOnThisObject++;
    tags.add("seen");
    setResults(Map.of("runs_on_this_object", runsOnThisObject, "tags", tags.size()));
  }
}
