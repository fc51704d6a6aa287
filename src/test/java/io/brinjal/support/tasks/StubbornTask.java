package io.brinjal.support.tasks;

import io.brinjal.task.Task;
import java.util.concurrent.TimeUnit;

/** Ignores interrupts and the cancel flag until the test opens its gate: a stuck thread. */
public class StubbornTask extends Task {
  String gate = "";

  @Override
  public String semaphoreName() {
    return "single";
  }

  @Override
  protected void run() {
    Gates.enter(gate);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Gates.isOpen(gate) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException ignored) {
        // stubborn on purpose
      }
    }
  }
}
