package io.brinjal.execution;

import io.brinjal.store.TaskState;

/**
 * Observes task lifecycles (recurring schedules, metrics, logs). Called on the engine's event
 * loop, synchronously, right after the change is stored: keep it quick and never block.
 */
public interface TaskListener {
  /** A new task is queued. */
  default void onSubmitted(TaskState task) {}

  /** The task got its permit and goes to a worker thread. */
  default void onStarted(TaskState task) {}

  /** The task reached a terminal status ({@code done}, {@code failed} or {@code cancelled}). */
  default void onFinished(TaskState task) {}

  /** The task left the store (deleted or pruned). */
  default void onRemoved(String taskId) {}
}
