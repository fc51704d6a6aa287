package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Its constructor throws while {@link #broken} is set: a task class bug at firing time. */
public class BrokenConstructorTask extends Task {
  public static volatile boolean broken;

  public BrokenConstructorTask() {
    if (broken) throw new IllegalStateException("constructor refused");
  }

  @Override
  protected void run() {
    setBody("built and ran");
  }
}
