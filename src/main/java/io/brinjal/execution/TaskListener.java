package io.brinjal.execution;

/**
 * Observes task lifecycles (recurring schedules, metrics, logs). Called on the engine's event
 * loop, synchronously, right after the change: keep it quick and never block.
 */
public interface TaskListener {
  default void onSubmitted(TaskRecord task) {}

  /** The task got its permit and goes to a worker thread. */
  default void onStarted(TaskRecord task) {}

  /** The task reached a terminal status ({@code done}, {@code failed} or {@code cancelled}). */
  default void onFinished(TaskRecord task) {}

  /** The task left the store (deleted or pruned). */
  default void onRemoved(TaskRecord task) {}
}
