package io.brinjal.store;

/**
 * A write named a version the store no longer holds: someone else changed (or deleted) the task
 * first. The writer must re-read and decide again; it never overwrites the newer state.
 */
public final class StaleStateException extends RuntimeException {
  private final transient TaskState current;

  public StaleStateException(String taskId, long expectedVersion, TaskState current) {
    super("task " + taskId + " is no longer at version " + expectedVersion
        + (current == null ? ": it was deleted" : ": it is at version " + current.version() + ", " + current.status().wire()),
        null, false, false);
    this.current = current;
  }

  /** The state the store holds now; null if the task is gone. */
  public TaskState current() {
    return current;
  }
}
