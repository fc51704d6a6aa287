package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Fails with a JVM Error instead of an Exception: stack overflow or out of memory. */
public class CrashingTask extends Task {
  String how = "stack_overflow";

  @Override
  protected void run() {
    if (how.equals("out_of_memory")) {
      long[] huge = new long[Integer.MAX_VALUE]; // "Requested array size exceeds VM limit"
      setBody("allocated " + huge.length);
    } else {
      recurse(0);
    }
  }

  private int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }
}
