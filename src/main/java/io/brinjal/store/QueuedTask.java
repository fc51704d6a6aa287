package io.brinjal.store;

/**
 * What a scheduler needs to know of a waiting task to rank it, without its whole state: loaded
 * once at start to rebuild the waiting lines.
 *
 * @param keyed it has a concurrency key (it waits its key's turn, not by arrival alone)
 * @param severalSemaphores it takes more than one semaphore (it may pass others, or be passed)
 */
public record QueuedTask(String id, String semaphore, int priority, long seq, String parentId, boolean keyed,
    boolean severalSemaphores) {
  public static QueuedTask of(TaskState task) {
    return new QueuedTask(task.id(), task.semaphore(), task.priority(), task.seq(), task.parentId(),
        task.concurrencyKey() != null, !task.extraSemaphores().isEmpty());
  }

  /** Its place in line is its arrival (priority, seq): queue positions around it are exact. */
  public boolean plain() {
    return !keyed && !severalSemaphores;
  }
}
