package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Sends many updates, each with a large body: enough to fill any socket buffer. */
public class ChattyTask extends Task {
  int updates = 3000;
  int bodyBytes = 4096;
  String gate = "";

  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  protected void run() throws Exception {
    if (!gate.isEmpty()) Gates.pass(gate);
    String padding = "x".repeat(bodyBytes);
    for (int i = 1; i <= updates; i++) {
      setBody(i + " " + padding);
      setProgress(i % 100);
      java.util.concurrent.locks.LockSupport.parkNanos(200_000); // so most updates become events
    }
    setProgress(100);
  }
}
