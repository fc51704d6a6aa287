package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Shows an indeterminate progress (-1) with the given heading until its gate opens. */
public class IndeterminateTask extends Task {
  String gate = "";
  String heading = "Working";
  String body = "";

  @Override
  protected void run() throws Exception {
    setHeading(heading);
    setBody(body);
    setProgress(-1);
    Gates.pass(gate);
    setProgress(100);
  }
}
