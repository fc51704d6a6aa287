package io.brinjal.execution;

import io.brinjal.store.QueuedTask;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One named semaphore as this node sees it: the waiting line (ranked, for queue positions), the
 * local runs holding its permits, a worker pool of exactly the limit's size (a new one when the
 * limit changes at run time), whether a claim is
 * in flight, and recent run times for estimates. The store decides which task a claim takes;
 * the lane never lets this node hold more permits than the limit. Event-loop confined.
 */
final class Lane {
  private static final double RUN_TIME_WEIGHT = 0.2; // moving average: recent runs count most

  final String name;
  /** From the configuration: what {@link #limit} is unless it was changed at run time. */
  final int configuredLimit;
  /** The limit now: the configured one, or one set at run time (kept by the store). */
  int limit;
  /** How often this node changed the limit: a read of the store older than a change is dropped. */
  long limitChanges;
  /** Changes of this node on their way into the store. */
  int limitWrites;
  /** From the configuration: the per-key limit unless one was set at run time (0: none). */
  final int configuredPerKey;
  /** At most this many tasks of one concurrency key hold a permit at once (0: no per-key limit). */
  int perKey;
  /** Permits of this semaphore held by local runs of other lanes (tasks that take several semaphores). */
  int heldByOthers;
  /** The last claim took fewer than it could while tasks waited: other semaphores or per-key limits held them back. */
  boolean heldBack;
  /** Where new runs go: sized to {@link #limit}, replaced when the limit changes. */
  WorkerExecutor pool;
  /** Runs still on each pool, and which pools were replaced (closed once their last run left). */
  private final Map<WorkerExecutor, Integer> poolRuns = new HashMap<>();
  private final java.util.Set<WorkerExecutor> retiredPools = new java.util.HashSet<>();
  final LinkedHashSet<LocalRun> running = new LinkedHashSet<>();
  private final RankedLine line = new RankedLine();
  private final Map<String, Long> lineKeys = new HashMap<>();
  /** Waiting tasks whose place is not their arrival (a key, or several semaphores): positions are unknown then. */
  private final java.util.Set<String> unordered = new java.util.HashSet<>();
  /** Those that take several semaphores: claims must then look for the tasks that fit. */
  private final java.util.Set<String> several = new java.util.HashSet<>();
  /** Tasks accepted and on their way into the store: they count toward the queue caps. */
  int inserting;
  /** Local runs whose thread has left run() and whose end is being written. */
  int finishing;
  boolean claiming;
  boolean claimAgain;
  long claimRetryTimer = -1;
  long positionTimer = -1;
  /** Positions last pushed to clients, for the front of the line only. */
  final Map<String, Integer> publishedPositions = new HashMap<>();
  int abandoned;
  int peakRunning;
  private double averageRunMillis = -1;

  Lane(String name, int limit, int perKey, WorkerExecutor pool) {
    this.name = name;
    this.configuredLimit = limit;
    this.limit = limit;
    this.configuredPerKey = perKey;
    this.perKey = perKey;
    this.pool = pool;
  }

  // ---- worker pools

  /** A run starts on the current pool: answers it (hand it back with {@link #leavePool}). */
  WorkerExecutor enterPool() {
    poolRuns.merge(pool, 1, Integer::sum);
    return pool;
  }

  /** A run left {@code used}: a replaced pool with no run left is closed. */
  void leavePool(WorkerExecutor used) {
    Integer left = poolRuns.merge(used, -1, Integer::sum);
    if (left != null && left <= 0) {
      poolRuns.remove(used);
      if (retiredPools.remove(used)) used.close();
    }
  }

  /**
   * New runs go to {@code next} from now on; the old pool keeps its running threads (a shrink
   * lets them finish) and is closed when the last of them leaves.
   */
  void replacePool(WorkerExecutor next) {
    WorkerExecutor old = pool;
    pool = next;
    if (poolRuns.getOrDefault(old, 0) > 0) retiredPools.add(old);
    else old.close();
  }

  /** Every pool this lane still has (for closing the engine). */
  List<WorkerExecutor> pools() {
    List<WorkerExecutor> all = new java.util.ArrayList<>(retiredPools);
    all.add(pool);
    return all;
  }

  // ---- the waiting line

  /** False if the task was waiting here already. */
  boolean enqueue(QueuedTask task) {
    long key = RankedLine.key(task.priority(), task.seq());
    if (lineKeys.putIfAbsent(task.id(), key) != null) return false;
    line.add(key, task.id());
    if (!task.plain()) unordered.add(task.id());
    if (task.severalSemaphores()) several.add(task.id());
    return true;
  }

  /** False if the task was not waiting here. */
  boolean dequeue(String taskId) {
    Long key = lineKeys.remove(taskId);
    publishedPositions.remove(taskId);
    if (key == null) return false;
    unordered.remove(taskId);
    several.remove(taskId);
    return line.remove(key);
  }

  int waiting() {
    return line.size();
  }

  boolean isWaiting(String taskId) {
    return lineKeys.containsKey(taskId);
  }

  boolean hasSeveralWaiting() {
    return !several.isEmpty();
  }

  /**
   * Whether the line starts tasks in its order: not when a task in it may pass or be passed
   * (per-key limits, keys' turns, several semaphores), so positions would not be true.
   */
  boolean inArrivalOrder() {
    return perKey == 0 && unordered.isEmpty();
  }

  /** 1 = next to start; null if the task is not waiting here, or its place is not known (see {@link #inArrivalOrder}). */
  Integer positionOf(String taskId) {
    Long key = lineKeys.get(taskId);
    if (key == null || !inArrivalOrder()) return null;
    int rank = line.rank(key);
    return rank < 0 ? null : rank + 1;
  }

  List<String> front(int n) {
    return line.firstIds(n);
  }

  // ---- permits

  /** Permits this node may still take: a stopped thread that has not left run() keeps its own. */
  int freePermits() {
    return limit - running.size() - heldByOthers;
  }

  /**
   * Permits a claim may ask for now: also those of runs whose end is being written. A store
   * applies writes in the order they are asked for, so such a claim sees that end first and
   * never counts the permit twice; a store that cannot order them simply sees it still taken.
   */
  int claimablePermits() {
    return limit - running.size() - heldByOthers + finishing;
  }

  /** Runs whose thread is still inside run() (or was abandoned there): what holds a worker. */
  int busy() {
    return running.size() - finishing;
  }

  // ---- estimates

  void recordRunTime(Duration runTime) {
    double millis = runTime.toMillis();
    averageRunMillis = averageRunMillis < 0 ? millis : averageRunMillis + RUN_TIME_WEIGHT * (millis - averageRunMillis);
  }

  /** When a refused client should try again: about when the line will have moved. */
  long retryAfterSeconds() {
    if (averageRunMillis < 0) return 1;
    double seconds = averageRunMillis / 1000.0 * Math.max(1, waiting()) / limit;
    return Math.max(1, Math.min(60, Math.round(seconds)));
  }

  /**
   * Expected start of the task at {@code position} (1 = next): every permit frees after the
   * average run time, less what its current task has already run, and each start holds it that
   * long again. Since every later run lasts the same average, round r of starts on the permits
   * comes entirely before round r + 1, so the answer is closed-form: the ((position - 1) mod
   * limit)-th earliest free time plus (position - 1) / limit average runs. Null while this
   * semaphore has no finished run to learn from.
   */
  Instant estimatedStart(Instant now, int position) {
    if (averageRunMillis < 0 || position < 1) return null;
    long average = Math.round(averageRunMillis);
    List<Long> ends = new java.util.ArrayList<>(running.size());
    for (LocalRun r : running) {
      Instant started = r.state().startedAt();
      long elapsed = started == null ? 0 : Duration.between(started, now).toMillis();
      ends.add(Math.max(0, average - elapsed));
    }
    // after a shrink more may run than the limit: a permit frees only once fewer run, so the
    // latest `limit` ends are when the permits free
    java.util.Collections.sort(ends);
    PriorityQueue<Long> permitFreeAt = new PriorityQueue<>(ends.subList(Math.max(0, ends.size() - limit), ends.size()));
    while (permitFreeAt.size() < limit) permitFreeAt.add(0L);
    int round = (position - 1) / limit;
    int slot = (position - 1) % limit;
    long free = 0;
    for (int i = 0; i <= slot; i++) free = permitFreeAt.poll();
    return now.plusMillis(free + (long) round * average);
  }
}
