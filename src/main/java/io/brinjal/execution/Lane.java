package io.brinjal.execution;

import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One named semaphore: a FIFO of waiting tasks, the tasks holding its permits (never more
 * than the limit), a worker pool of exactly that size, and recent run times for estimates.
 * Event-loop confined, so plain fields suffice.
 */
final class Lane {
  private static final double RUN_TIME_WEIGHT = 0.2; // moving average: recent runs count most

  final String name;
  final int limit;
  final WorkerExecutor pool;
  // insertion-ordered sets: FIFO, with O(1) removal when a queued task is cancelled
  final LinkedHashSet<TaskRecord> waiting = new LinkedHashSet<>();
  final LinkedHashSet<TaskRecord> running = new LinkedHashSet<>();
  private double averageRunMillis = -1;
  long positionTimer = -1;
  int abandoned;
  int peakRunning;

  Lane(String name, int limit, WorkerExecutor pool) {
    this.name = name;
    this.limit = limit;
    this.pool = pool;
  }

  boolean hasFreePermit() {
    return running.size() < limit && !waiting.isEmpty();
  }

  TaskRecord takeNext() {
    Iterator<TaskRecord> it = waiting.iterator();
    TaskRecord next = it.next();
    it.remove();
    return next;
  }

  void recordRunTime(Duration runTime) {
    double millis = runTime.toMillis();
    averageRunMillis = averageRunMillis < 0 ? millis : averageRunMillis + RUN_TIME_WEIGHT * (millis - averageRunMillis);
  }

  /** When a refused client should try again: about when the line will have moved. */
  long retryAfterSeconds() {
    if (averageRunMillis < 0) return 1;
    double seconds = averageRunMillis / 1000.0 * Math.max(1, waiting.size()) / limit;
    return Math.max(1, Math.min(60, Math.round(seconds)));
  }

  /** 1 = next to start; 0 if the task is not waiting here. */
  int positionOf(TaskRecord rec) {
    int position = 0;
    for (TaskRecord r : waiting) {
      position++;
      if (r == rec) return position;
    }
    return 0;
  }

  /**
   * Expected start of the first {@code count} waiting tasks: each running task frees its permit
   * after the average run time, and every started task holds one that long again. Empty when
   * this semaphore has no finished run to learn from yet.
   */
  List<Instant> estimatedStarts(Instant now, int count) {
    if (averageRunMillis < 0) return List.of();
    long average = Math.round(averageRunMillis);
    PriorityQueue<Long> permitFreeAt = new PriorityQueue<>();
    for (TaskRecord r : running) {
      long elapsed = r.startedAt() == null ? 0 : Duration.between(r.startedAt(), now).toMillis();
      permitFreeAt.add(Math.max(0, average - elapsed));
    }
    while (permitFreeAt.size() < limit) permitFreeAt.add(0L);
    List<Instant> starts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long start = permitFreeAt.poll();
      starts.add(now.plusMillis(start));
      permitFreeAt.add(start + average);
    }
    return starts;
  }
}
