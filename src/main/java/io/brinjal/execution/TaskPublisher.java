package io.brinjal.execution;

/**
 * Where the engine announces changes: the streams implement it, so execution knows nothing of
 * SSE or WebSockets. Called on the engine's event loop, in the order things happened, and only
 * once the change is stored (for terminal states and new tasks: on disk).
 */
public interface TaskPublisher {
  /** A new task (queued). */
  void added(TaskView task);

  /** A task's state changed; a terminal status is its last change. */
  void changed(TaskView task);

  /**
   * Only the live values of a running task changed (progress, heading, body, image, results):
   * the latest supersedes the ones before, so a publisher may coalesce them.
   */
  default void progressed(TaskView task) {
    changed(task);
  }

  /**
   * A waiting task's place in line moved. Every node ranks the lines itself, so this concerns
   * only the streams of the node that computed it.
   */
  default void positionChanged(TaskView task) {
    changed(task);
  }

  /** The task left the store (deleted or pruned). */
  void removed(String taskId);

  /** For an engine whose changes nobody follows. */
  TaskPublisher NONE = new TaskPublisher() {
    @Override
    public void added(TaskView task) {}

    @Override
    public void changed(TaskView task) {}

    @Override
    public void removed(String taskId) {}
  };
}
