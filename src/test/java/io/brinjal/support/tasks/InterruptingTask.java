package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/**
 * Interrupts its own thread, the way careless library code does. {@code how}: {@code throw}
 * (then blocks, so InterruptedException ends run()), {@code keep_flag} (returns with the flag
 * still set) or {@code probe} (reports whether it started on an interrupted thread).
 */
public class InterruptingTask extends Task {
  String how = "throw";

  @Override
  public String semaphoreName() {
    return "single"; // one pool thread: every run reuses the thread the previous one left behind
  }

  @Override
  protected void run() throws Exception {
    switch (how) {
      case "probe" -> {
        boolean startedInterrupted = Thread.currentThread().isInterrupted();
        Thread.sleep(5); // would throw on a thread handed on interrupted
        setBody("started interrupted: " + startedInterrupted + " on " + Thread.currentThread().getName());
      }
      case "keep_flag" -> {
        Thread.currentThread().interrupt();
        setBody("left interrupted on " + Thread.currentThread().getName());
      }
      default -> {
        Thread.currentThread().interrupt();
        Thread.sleep(10_000);
      }
    }
  }
}
