package io.brinjal.execution;

import io.brinjal.store.TaskState;
import java.time.Instant;

/**
 * A task as this node shows it at one moment: its state (with the live values of a local run)
 * and, while it waits, its place in line and when it may start.
 *
 * @param queuePosition 1 = next to start in its semaphore; null unless queued (or not known)
 * @param estimatedStartAt from recent run times in its semaphore; null when there are none yet
 */
public record TaskView(TaskState state, Integer queuePosition, Instant estimatedStartAt) {
  public static TaskView of(TaskState state) {
    return new TaskView(state, null, null);
  }

  public String id() {
    return state.id();
  }
}
