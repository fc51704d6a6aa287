package io.brinjal.store;

import java.util.List;

/**
 * A page of tasks, oldest first.
 *
 * @param more whether tasks after the last one match too (then ask again after its {@code seq})
 */
public record TaskPage(List<TaskState> tasks, boolean more) {
  public TaskPage {
    tasks = List.copyOf(tasks);
  }

  /** The cursor for the next page: the last task's {@code seq}. */
  public long lastSeq() {
    return tasks.isEmpty() ? 0 : tasks.get(tasks.size() - 1).seq();
  }
}
