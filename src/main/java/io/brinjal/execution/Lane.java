package io.brinjal.execution;

import io.vertx.core.WorkerExecutor;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * One named semaphore: a FIFO of waiting tasks, a running count that never exceeds the limit,
 * and a worker pool of exactly that size. Event-loop confined, so plain fields suffice.
 */
final class Lane {
  final String name;
  final int limit;
  final WorkerExecutor pool;
  // insertion-ordered set: FIFO, with O(1) removal when a queued task is cancelled
  final LinkedHashSet<TaskRecord> waiting = new LinkedHashSet<>();
  int running;

  Lane(String name, int limit, WorkerExecutor pool) {
    this.name = name;
    this.limit = limit;
    this.pool = pool;
  }

  boolean hasFreePermit() {
    return running < limit && !waiting.isEmpty();
  }

  TaskRecord takeNext() {
    Iterator<TaskRecord> it = waiting.iterator();
    TaskRecord next = it.next();
    it.remove();
    return next;
  }
}
