package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Writes progress as fast as a thread can, to prove updates are coalesced. */
public class FloodTask extends Task {
  int updates = 1_000_000;

  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  protected void run() {
    for (int i = 1; i <= updates; i++) setProgress(i % 100);
    setProgress(100);
    setBody("flooded " + updates);
  }
}
