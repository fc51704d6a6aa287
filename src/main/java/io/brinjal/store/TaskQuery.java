package io.brinjal.store;

import io.brinjal.task.TaskStatus;
import java.util.Set;

/**
 * One page of the task list, oldest first (by {@code seq}).
 *
 * @param statuses only tasks in one of these; empty for every status
 * @param afterSeq only tasks created after this one (exclusive; 0 from the start): the cursor
 * @param upToSeq only tasks with {@code seq} at most this (inclusive): a snapshot's upper bound
 * @param limit at most this many tasks (at least 1)
 */
public record TaskQuery(Set<TaskStatus> statuses, long afterSeq, long upToSeq, int limit) {
  public TaskQuery {
    statuses = Set.copyOf(statuses);
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
  }

  public static TaskQuery all(int limit) {
    return new TaskQuery(Set.of(), 0, Long.MAX_VALUE, limit);
  }

  public TaskQuery after(long seq) {
    return new TaskQuery(statuses, seq, upToSeq, limit);
  }

  public boolean admits(TaskState task) {
    return task.seq() > afterSeq && task.seq() <= upToSeq && (statuses.isEmpty() || statuses.contains(task.status()));
  }
}
