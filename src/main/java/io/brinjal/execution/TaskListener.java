package io.brinjal.execution;

import io.brinjal.store.TaskState;

/**
 * Observes task lifecycles (recurring schedules, metrics, logs). Called on the engine's event
 * loop, synchronously, right after the change is stored: keep it quick and never block.
 */
public interface TaskListener {
  /** A new task is queued, or scheduled (its status says which). */
  default void onSubmitted(TaskState task) {}

  /** The task got its permit and goes to a worker thread. */
  default void onStarted(TaskState task) {}

  /** The task reached a terminal status ({@code done}, {@code failed} or {@code cancelled}). */
  default void onFinished(TaskState task) {}

  /** A failed attempt of the task was stored as {@code scheduled} for another attempt at its {@code run_at}. */
  default void onRetrying(TaskState task) {}

  /** The task left the store (deleted or pruned). */
  default void onRemoved(String taskId) {}

  /**
   * With several nodes: a task with a parent (a recurring schedule's instance) that ran on another
   * node reached a terminal status (its fields as its JSON shows them). Only recurring schedules
   * follow tasks across nodes, so the others' ends of tasks without a parent are not reported.
   */
  default void onFinishedElsewhere(TaskState task) {}

  /** With several nodes: another node queued a task (with its parent, for recurring schedules). */
  default void onQueuedElsewhere(String taskId, String parentId) {}
}
