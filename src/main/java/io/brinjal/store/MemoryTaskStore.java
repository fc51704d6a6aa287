package io.brinjal.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.loop.Loop;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Tasks in this process's memory: nothing survives a restart ({@code store.type} {@code memory},
 * for tests, benchmarks and embedding). Event-loop confined: every structure lives on the loop it
 * was created for and every method hops there, so it needs no locks.
 */
public final class MemoryTaskStore implements TaskStore {
  /** At most this many finished tasks pruned per write, so one write never grows without bound. */
  static final int PRUNE_BATCH = 1000;

  private static final Comparator<TaskState> CLAIM_ORDER = Comparator.comparingInt((TaskState t) -> -t.priority())
      .thenComparingLong(TaskState::turn).thenComparingLong(TaskState::seq);
  private static final Comparator<TaskState> RUN_AT_ORDER =
      Comparator.comparing(TaskState::runAt).thenComparingLong(TaskState::seq);
  private static final Comparator<TaskState> FINISH_ORDER =
      Comparator.comparing(TaskState::completedAt).thenComparingLong(TaskState::seq);

  private final Loop loop;
  private final BrinjalConfig.Retention retention;

  // ---- event-loop confined ----
  private final Map<String, TaskState> byId = new HashMap<>();
  private final NavigableMap<Long, TaskState> bySeq = new TreeMap<>();
  private final Map<String, TreeSet<TaskState>> queuedBySemaphore = new HashMap<>();
  private final Map<String, Integer> permitsHeld = new HashMap<>();
  /** Tasks holding permits (running, cancelling), for claims that count every semaphore a task takes. */
  private final Map<String, TaskState> holding = new LinkedHashMap<>();
  /** The turns (fair tags) of the waiting keyed tasks, per semaphore and key, with how many have each. */
  private final Map<String, TreeMap<Long, Integer>> waitingTurns = new HashMap<>();
  private final TreeSet<TaskState> scheduled = new TreeSet<>(RUN_AT_ORDER);
  private final TreeSet<TaskState> finishedDone = new TreeSet<>(FINISH_ORDER);
  private final TreeSet<TaskState> finishedOther = new TreeSet<>(FINISH_ORDER);
  private final Map<String, ObjectNode> schedules = new LinkedHashMap<>();
  private final Map<String, String> meta = new HashMap<>();
  /** By key, oldest first: one TTL for all, so the head expires first. */
  private final LinkedHashMap<String, IdempotencyKey> idempotencyKeys = new LinkedHashMap<>();
  private long lastSeq;
  private long nextEventId = 1;

  public MemoryTaskStore(Context context, BrinjalConfig.Retention retention) {
    this.loop = Loop.of(context);
    this.retention = retention;
  }

  @Override
  public Future<Void> open() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public boolean durable() {
    return false;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Future<TaskState> insert(TaskState task) {
    return loop.call(() -> insertOnLoop(task));
  }

  private TaskState insertOnLoop(TaskState task) {
    if (task.status() != TaskStatus.QUEUED && task.status() != TaskStatus.SCHEDULED) {
      throw new IllegalArgumentException("a new task must be queued or scheduled");
    }
    if (byId.containsKey(task.id())) throw new IllegalArgumentException("task " + task.id() + " exists already");
    long seq = ++lastSeq;
    TaskState stored = task.inserted(seq, fairTagOf(task, seq));
    put(null, stored);
    return stored;
  }

  @Override
  public Future<KeyedInsert> insertOnce(TaskState task, IdempotencyKey key, Instant now) {
    return loop.call(() -> {
      if (!key.taskId().equals(task.id())) throw new IllegalArgumentException("the key must point to the task");
      IdempotencyKey earlier = idempotencyKeys.get(key.key());
      if (earlier != null && earlier.liveAt(now)) return KeyedInsert.earlier(earlier);
      TaskState stored = insertOnLoop(task);
      idempotencyKeys.remove(key.key()); // a renewed key goes to the end of the expiry order
      idempotencyKeys.put(key.key(), key);
      Iterator<IdempotencyKey> oldest = idempotencyKeys.values().iterator();
      for (int i = 0; i < EXPIRED_KEYS_PER_INSERT && oldest.hasNext(); i++) {
        if (oldest.next().liveAt(now)) break;
        oldest.remove();
      }
      return KeyedInsert.inserted(stored);
    });
  }

  @Override
  public Future<IdempotencyKey> idempotencyKey(String key, Instant now) {
    return loop.call(() -> {
      IdempotencyKey k = idempotencyKeys.get(key);
      return k != null && k.liveAt(now) ? k : null;
    });
  }

  @Override
  public Future<List<TaskState>> claim(String semaphore, PermitLimits limits, int max, String owner, Instant now) {
    return loop.call(() -> {
      TreeSet<TaskState> waiting = queuedBySemaphore.get(semaphore);
      if (waiting == null) return List.of();
      List<TaskState> chosen = new ArrayList<>();
      if (!limits.needsCheckedClaim(semaphore)) { // the first ones in line, as many as the limit leaves room for
        int room = Math.min(max, limits.limitOf(semaphore) - permitsHeld.getOrDefault(semaphore, 0));
        for (TaskState t : waiting) {
          if (chosen.size() >= room) break;
          if (t.extraSemaphores().isEmpty()) chosen.add(t); // one with several: only a checked claim takes it
        }
      } else {
        PermitCounts counts = new PermitCounts();
        holding.values().forEach(counts::add);
        int scanned = 0;
        for (TaskState t : waiting) {
          if (!counts.roomFor(semaphore, chosen.size(), max, limits) || scanned++ >= CLAIM_SCAN) break;
          if (counts.take(t.semaphore(), t.extraSemaphores(), t.concurrencyKey(), limits)) chosen.add(t);
        }
      }
      List<TaskState> claimed = new ArrayList<>(chosen.size());
      for (TaskState next : chosen) {
        TaskState running = next.next().status(TaskStatus.RUNNING).owner(owner).startedAt(now)
            .attempt(next.attempt() + 1).cancelRequested(false).build();
        put(next, running);
        claimed.add(running);
      }
      return claimed;
    });
  }

  @Override
  public Future<List<TaskState>> promoteDue(Instant now, int max) {
    return loop.call(() -> {
      List<TaskState> promoted = new ArrayList<>();
      while (promoted.size() < max && !scheduled.isEmpty() && !scheduled.first().runAt().isAfter(now)) {
        TaskState due = scheduled.first();
        TaskState queued = due.next().scheduledAt(null).build();
        put(due, queued);
        promoted.add(queued);
      }
      return promoted;
    });
  }

  @Override
  public Future<Instant> nextRunAt() {
    return loop.call(() -> scheduled.isEmpty() ? null : scheduled.first().runAt());
  }

  @Override
  public Future<TaskState> update(TaskState next) {
    return loop.call(() -> {
      if (next.isTerminal()) throw new IllegalArgumentException("terminal states are written with finish()");
      put(expect(next), next);
      return next;
    });
  }

  @Override
  public Future<Finished> finish(TaskState terminal) {
    return loop.call(() -> {
      if (!terminal.isTerminal()) throw new IllegalArgumentException("finish() takes a terminal state");
      put(expect(terminal), terminal);
      return new Finished(terminal, pruneOnLoop(PRUNE_BATCH));
    });
  }

  @Override
  public Future<List<String>> prune(int max) {
    return loop.call(() -> pruneOnLoop(max));
  }

  @Override
  public Future<TaskState> delete(String id) {
    return loop.call(() -> {
      TaskState gone = byId.get(id);
      if (gone != null) put(gone, null);
      return gone;
    });
  }

  @Override
  public Future<List<String>> deleteFinished(int max) {
    return loop.call(() -> {
      List<TaskState> oldest = new ArrayList<>();
      for (TaskState t : bySeq.values()) {
        if (oldest.size() >= max) break;
        if (t.isTerminal()) oldest.add(t);
      }
      List<String> ids = new ArrayList<>(oldest.size());
      for (TaskState t : oldest) {
        put(t, null);
        ids.add(t.id());
      }
      return ids;
    });
  }

  @Override
  public Future<List<TaskState>> recover(String owner, UnaryOperator<TaskState> decide) {
    return loop.call(() -> {
      List<TaskState> interrupted = new ArrayList<>();
      for (TaskState t : bySeq.values()) {
        if (t.holdsPermit() && (owner == null || owner.equals(t.owner()))) interrupted.add(t);
      }
      // every decision checked before any is applied: one write, all or nothing
      List<TaskState> recovered = new ArrayList<>(interrupted.size());
      for (TaskState t : interrupted) {
        TaskState next = decide.apply(t);
        if (next.version() != t.version() + 1 || !next.id().equals(t.id())) {
          throw new IllegalArgumentException("decide must answer the next version of the same task");
        }
        recovered.add(next);
      }
      for (int i = 0; i < interrupted.size(); i++) put(interrupted.get(i), recovered.get(i));
      pruneOnLoop(Integer.MAX_VALUE);
      return recovered;
    });
  }

  /** The stored state {@code next} replaces; throws when it is not the version before. */
  private TaskState expect(TaskState next) {
    TaskState current = byId.get(next.id());
    if (current == null || current.version() != next.version() - 1) {
      throw new StaleStateException(next.id(), next.version() - 1, current);
    }
    return current;
  }

  /** Replaces {@code old} by {@code next} (either may be null) in the map and every index. */
  private void put(TaskState old, TaskState next) {
    if (old != null) {
      byId.remove(old.id());
      bySeq.remove(old.seq());
      unindex(old);
    }
    if (next != null) {
      byId.put(next.id(), next);
      bySeq.put(next.seq(), next);
      index(next);
    }
  }

  /**
   * A keyed task's turn: right after its key's last waiting one; the first waiting one of its key
   * takes the turn at the head of the line (a key that arrives late joins the current round, not
   * the back), or, with nobody waiting, its own seq (turns are on the scale of seqs).
   */
  private long fairTagOf(TaskState task, long seq) {
    if (task.concurrencyKey() == null) return TaskState.NO_TAG;
    TreeMap<Long, Integer> turns = waitingTurns.get(turnsKey(task));
    if (turns != null) return turns.lastKey() + 1;
    TreeSet<TaskState> waiting = queuedBySemaphore.get(task.semaphore());
    return waiting == null ? seq : waiting.first().turn();
  }

  private static String turnsKey(TaskState t) {
    return t.semaphore() + '\u0000' + t.concurrencyKey();
  }

  private void index(TaskState t) {
    if (t.status() == TaskStatus.SCHEDULED) {
      scheduled.add(t);
    } else if (t.status() == TaskStatus.QUEUED) {
      queuedBySemaphore.computeIfAbsent(t.semaphore(), s -> new TreeSet<>(CLAIM_ORDER)).add(t);
      if (t.concurrencyKey() != null) {
        waitingTurns.computeIfAbsent(turnsKey(t), k -> new TreeMap<>()).merge(t.fairTag(), 1, Integer::sum);
      }
    } else if (t.holdsPermit()) {
      for (String s : t.semaphores()) permitsHeld.merge(s, 1, Integer::sum);
      holding.put(t.id(), t);
    } else if (t.status() == TaskStatus.DONE) {
      finishedDone.add(t);
    } else if (t.isTerminal()) {
      finishedOther.add(t);
    }
  }

  private void unindex(TaskState t) {
    if (t.status() == TaskStatus.SCHEDULED) {
      scheduled.remove(t);
    } else if (t.status() == TaskStatus.QUEUED) {
      TreeSet<TaskState> waiting = queuedBySemaphore.get(t.semaphore());
      waiting.remove(t);
      if (waiting.isEmpty()) queuedBySemaphore.remove(t.semaphore());
      if (t.concurrencyKey() != null) {
        TreeMap<Long, Integer> turns = waitingTurns.get(turnsKey(t));
        if (turns.merge(t.fairTag(), -1, Integer::sum) == 0) turns.remove(t.fairTag());
        if (turns.isEmpty()) waitingTurns.remove(turnsKey(t));
      }
    } else if (t.holdsPermit()) {
      for (String s : t.semaphores()) permitsHeld.merge(s, -1, Integer::sum);
      holding.remove(t.id());
    } else if (t.status() == TaskStatus.DONE) {
      finishedDone.remove(t);
    } else if (t.isTerminal()) {
      finishedOther.remove(t);
    }
  }

  private List<String> pruneOnLoop(int max) {
    List<TaskState> pruned = new ArrayList<>();
    collectOldest(finishedDone, retention.done(), max, pruned);
    collectOldest(finishedOther, retention.failed(), max - pruned.size(), pruned);
    pruned.sort(FINISH_ORDER);
    List<String> ids = new ArrayList<>(pruned.size());
    for (TaskState t : pruned) {
      put(t, null);
      ids.add(t.id());
    }
    return ids;
  }

  private static void collectOldest(TreeSet<TaskState> finished, int keep, int max, List<TaskState> into) {
    Iterator<TaskState> oldest = finished.iterator();
    for (int excess = finished.size() - keep; excess > 0 && max > 0 && oldest.hasNext(); excess--, max--) {
      into.add(oldest.next());
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Future<TaskState> get(String id) {
    return loop.call(() -> byId.get(id));
  }

  @Override
  public Future<TaskPage> list(TaskQuery query) {
    return loop.call(() -> {
      List<TaskState> page = new ArrayList<>(Math.min(query.limit(), 1024));
      boolean more = false;
      for (TaskState t : bySeq.tailMap(query.afterSeq(), false).values()) {
        if (t.seq() > query.upToSeq()) break;
        if (!query.admits(t)) continue;
        if (page.size() == query.limit()) {
          more = true;
          break;
        }
        page.add(t);
      }
      return new TaskPage(page, more);
    });
  }

  @Override
  public Future<List<String>> search(TaskCriteria criteria) {
    return loop.call(() -> {
      List<String> ids = new ArrayList<>();
      if (criteria.matchesNothing()) return ids;
      for (TaskState t : bySeq.values()) {
        if (criteria.matches(t)) ids.add(t.id());
      }
      return ids;
    });
  }

  @Override
  public Future<Map<TaskStatus, Long>> countByStatus() {
    return loop.call(() -> {
      Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
      for (TaskState t : byId.values()) counts.merge(t.status(), 1L, Long::sum);
      return counts;
    });
  }

  @Override
  public Future<Long> lastSeq() {
    return loop.call(() -> lastSeq);
  }

  @Override
  public Future<List<QueuedTask>> queued() {
    return loop.call(() -> {
      List<QueuedTask> out = new ArrayList<>();
      queuedBySemaphore.values().forEach(waiting -> waiting.forEach(t -> out.add(QueuedTask.of(t))));
      out.sort(Comparator.comparingInt((QueuedTask q) -> -q.priority()).thenComparingLong(QueuedTask::seq));
      return out;
    });
  }

  // ---------------------------------------------------------------- event ids, schedules, meta

  @Override
  public Future<Long> reserveEventIds(long count) {
    return loop.call(() -> {
      long first = nextEventId;
      nextEventId += count;
      return first;
    });
  }

  @Override
  public Future<List<ObjectNode>> schedules() {
    return loop.call(() -> new ArrayList<>(schedules.values()));
  }

  @Override
  public Future<Void> saveSchedule(String id, ObjectNode schedule) {
    ObjectNode copy = schedule.deepCopy(); // the caller may go on changing its tree
    return loop.call(() -> {
      schedules.put(id, copy);
      return null;
    });
  }

  @Override
  public Future<Void> deleteSchedule(String id) {
    return loop.call(() -> {
      schedules.remove(id);
      return null;
    });
  }

  @Override
  public Future<String> meta(String key) {
    return loop.call(() -> meta.get(key));
  }

  @Override
  public Future<Void> putMeta(String key, String value) {
    return loop.call(() -> {
      meta.put(key, value);
      return null;
    });
  }
}
