package io.brinjal.store;

import java.util.List;

/**
 * A terminal state as written, and the finished tasks the store pruned in the same write to keep
 * within its retention (their ids, oldest first).
 */
public record Finished(TaskState task, List<String> pruned) {
  public Finished {
    pruned = List.copyOf(pruned);
  }
}
