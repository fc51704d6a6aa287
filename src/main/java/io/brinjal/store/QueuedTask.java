package io.brinjal.store;

/**
 * What a scheduler needs to know of a waiting task to rank it, without its whole state: loaded
 * once at start to rebuild the waiting lines.
 */
public record QueuedTask(String id, String semaphore, int priority, long seq, String parentId) {
  public static QueuedTask of(TaskState task) {
    return new QueuedTask(task.id(), task.semaphore(), task.priority(), task.seq(), task.parentId());
  }
}
