package io.brinjal.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.task.TaskStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where tasks and recurring schedules are kept: the seam between the engine and what holds its
 * state (memory, an embedded SQLite file, PostgreSQL). Every implementation passes the same
 * contract suite ({@code TaskStoreContract} in the tests).
 *
 * <p><b>Threads.</b> Methods may be called from any Vert.x context and never block the caller:
 * they answer with a {@link Future} completed on the caller's context (or on any thread when the
 * caller is not a Vert.x thread). Implementations that do I/O do it off the event loops.
 *
 * <p><b>Durability.</b> A future that succeeds means the change is stored for good (for a durable
 * store: on disk); until then it is not visible to any read. A future that fails with
 * {@link StoreUnavailableException} means nothing of it was stored.
 *
 * <p><b>Versions.</b> Every write of a task names the version it replaces ({@code next.version() -
 * 1}); if the store holds another version, or the task is gone, the write fails with
 * {@link StaleStateException} and changes nothing. A writer holding an old state can therefore
 * never overwrite what someone else decided.
 */
public interface TaskStore {

  /**
   * Opens the store: creates it if it does not exist, applies schema migrations, checks that it
   * is a Brinjal store. Fails with {@link StoreOpenException} naming the place if it cannot be used.
   * Must complete before any other method is called.
   */
  Future<Void> open();

  /** Completes once every write asked for before it is stored; then releases files and threads. */
  Future<Void> close();

  /** For logs and errors: {@code "sqlite /srv/data/brinjal.db"}, {@code "memory"}. */
  String describe();

  /** Whether what it holds outlives the process (a memory store's does not). */
  boolean durable();

  /** Registers the store's own meters (write batches, commit times), if it has any. */
  default void bindMetrics(MeterRegistry registry) {}

  // ---------------------------------------------------------------- tasks

  /**
   * Stores a new task. {@code task} must be {@code queued}, or {@code scheduled} with a
   * {@code run_at}; its {@code seq} and {@code version}
   * are ignored: the answer is the stored state with {@code seq} assigned (greater than any seq
   * this store ever assigned, across restarts and deletes) and {@code version} 1. An id that is
   * already stored fails with {@link IllegalArgumentException}.
   */
  Future<TaskState> insert(TaskState task);

  /**
   * Stores a new task at most once per idempotency key: if {@code key.key()} is stored and has
   * not expired at {@code now}, nothing is stored and the answer is that earlier use; otherwise
   * the task is inserted as by {@link #insert} and the key (replacing an expired one) points to
   * it, in one write. Two calls with one key at the same moment, on any node, store one task. A
   * bounded number of expired keys is removed by the same write, so keys do not pile up.
   * {@code key.taskId()} must be the task's id.
   */
  Future<KeyedInsert> insertOnce(TaskState task, IdempotencyKey key, Instant now);

  /** The key's use, or null if it is not stored or has expired at {@code now}. */
  Future<IdempotencyKey> idempotencyKey(String key, Instant now);

  /** How many expired keys one {@link #insertOnce} removes at most. */
  int EXPIRED_KEYS_PER_INSERT = 16;

  /**
   * Takes waiting tasks of one semaphore to run: at most {@code max} of them, and only those
   * that fit: every semaphore a task takes (its own and its extra ones) has fewer holders (tasks
   * {@code running} or {@code cancelling}, on any node) than its limit in {@code limits}, and
   * fewer holders with the task's concurrency key than its per-key limit, counting the tasks
   * this claim takes (a store shared by several nodes uses the limits kept by
   * {@link #putSemaphoreLimit} instead, when there are some). In line order: highest
   * {@code priority} first, then the lowest turn ({@link TaskState#turn}: round-robin among keys,
   * by arrival without one), then oldest. A task that does not fit is passed over, never given
   * part of its permits; a claim looks at no more than {@value #CLAIM_SCAN} waiting tasks. Each
   * claimed task is stored as {@code running} with {@code owner}, {@code started_at} =
   * {@code now}, {@code attempt} + 1 and the next version, before the answer; the answer lists
   * them in claim order (empty if none could be taken).
   */
  Future<List<TaskState>> claim(String semaphore, PermitLimits limits, int max, String owner, Instant now);

  /** How many waiting tasks one claim looks at, at most, for tasks that fit. */
  int CLAIM_SCAN = 1_000;

  /** {@link #claim(String, PermitLimits, int, String, Instant)} with one semaphore's limit and nothing else. */
  default Future<List<TaskState>> claim(String semaphore, int limit, int max, String owner, Instant now) {
    return claim(semaphore, PermitLimits.only(semaphore, limit), max, owner, now);
  }

  /**
   * Queues the scheduled tasks whose {@code run_at} is at or before {@code now}: at most
   * {@code max}, earliest {@code run_at} first (then seq). Each is stored as {@code queued} with
   * the next version (keeping its seq, so it takes its place in claim order by creation), before
   * the answer, which lists them. Callers on several nodes never promote one task twice.
   */
  Future<List<TaskState>> promoteDue(Instant now, int max);

  /** The earliest {@code run_at} of a scheduled task, or null when none is scheduled. */
  Future<Instant> nextRunAt();

  /**
   * Replaces a task's state with {@code next}, which must carry the version after the stored one
   * (see the class comment). Not for terminal states: use {@link #finish}. Answers {@code next}.
   * What is fixed at insert (task type, parent, parameters, creation time, run timeout) must be
   * as stored: stores need not write it again.
   */
  Future<TaskState> update(TaskState next);

  /**
   * Stores a terminal state ({@code done}, {@code failed}, {@code cancelled}), versioned as
   * {@link #update}, and in the same write prunes the oldest finished tasks beyond the store's
   * retention (done tasks, and failed plus cancelled ones, each by their own limit; oldest by
   * {@code completed_at}, then {@code seq}; at most a bounded batch per write). The answer names
   * the pruned tasks.
   */
  Future<Finished> finish(TaskState terminal);

  /** Prunes up to {@code max} finished tasks beyond the retention (after a restart that lowered it). */
  Future<List<String>> prune(int max);

  /** The task, or null. */
  Future<TaskState> get(String id);

  /** A page of tasks, oldest first. */
  Future<TaskPage> list(TaskQuery query);

  /** The ids of the tasks that match, oldest first (see {@link TaskCriteria}). */
  Future<List<String>> search(TaskCriteria criteria);

  /** How many tasks are stored, by status (statuses with none may be absent). */
  Future<Map<TaskStatus, Long>> countByStatus();

  /** The highest {@code seq} assigned so far (0 for a new store), whether or not that task still exists. */
  Future<Long> lastSeq();

  /** Every queued task, in the order claims take them (priority, turn, seq): for ranking. */
  Future<List<QueuedTask>> queued();

  /** Removes a task whatever its status; answers the state it had, or null if there was none. */
  Future<TaskState> delete(String id);

  /** Removes up to {@code max} finished tasks (done, failed, cancelled), oldest first; answers their ids. */
  Future<List<String>> deleteFinished(int max);

  /**
   * After a crash or a dead node: every task that holds a permit ({@code running},
   * {@code cancelling}) and, unless {@code owner} is null, is owned by {@code owner}, is replaced
   * by {@code decide.apply(task)} in one write (the function gets the stored state and answers
   * its next version, typically failed as interrupted, or queued again). Answers the new states.
   * Terminal results are pruned as {@link #finish} does.
   */
  Future<List<TaskState>> recover(String owner, UnaryOperator<TaskState> decide);

  // ---------------------------------------------------------------- event ids

  /**
   * Reserves {@code count} event ids: answers the first of a block {@code [first, first + count)}
   * that no earlier reservation of this store (before any restart) overlapped, so event ids only
   * ever grow. A new store starts at 1.
   */
  Future<Long> reserveEventIds(long count);

  // ---------------------------------------------------------------- recurring schedules

  /** Every stored schedule, in the order they were first saved. */
  Future<List<ObjectNode>> schedules();

  /** Stores a schedule under its id, replacing the previous one (keeping its place in the order). */
  Future<Void> saveSchedule(String id, ObjectNode schedule);

  /** Removes a schedule; nothing happens if there is none. */
  Future<Void> deleteSchedule(String id);

  // ---------------------------------------------------------------- settings kept by the store

  /** A value kept under {@code key} (e.g. that a legacy file was imported), or null. */
  Future<String> meta(String key);

  Future<Void> putMeta(String key, String value);

  // ---------------------------------------------------------------- semaphore limits set at run time

  /** The meta key under which a semaphore's limit set at run time is kept (a decimal integer). */
  static String semaphoreLimitKey(String semaphore) {
    return "semaphore_limit:" + semaphore;
  }

  /**
   * The limit set at run time for {@code semaphore} ({@code PATCH /semaphores/{name}}), or null
   * when it runs with its configured one.
   */
  default Future<Integer> semaphoreLimit(String semaphore) {
    return intMeta(semaphoreLimitKey(semaphore));
  }

  private Future<Integer> intMeta(String key) {
    return meta(key).map(v -> {
      if (v == null) return null;
      try {
        return Integer.valueOf(v.trim());
      } catch (NumberFormatException e) {
        return null; // not ours: the configured limit applies
      }
    });
  }

  /**
   * Keeps {@code limit} for {@code semaphore}, or forgets it when null (the configured one
   * applies again). A store shared by several nodes makes every claim that starts after this
   * succeeded count against the new limit, whatever limit the claiming node passes.
   */
  default Future<Void> putSemaphoreLimit(String semaphore, Integer limit) {
    return putMeta(semaphoreLimitKey(semaphore), limit == null ? null : Integer.toString(limit));
  }

  /** The meta key under which a semaphore's per-key limit set at run time is kept (0: none). */
  static String semaphorePerKeyKey(String semaphore) {
    return "semaphore_per_key:" + semaphore;
  }

  /** The per-key limit set at run time for {@code semaphore} (0: none), or null when the configured one applies. */
  default Future<Integer> semaphorePerKey(String semaphore) {
    return intMeta(semaphorePerKeyKey(semaphore));
  }

  /** Keeps {@code perKey} for {@code semaphore} (as {@link #putSemaphoreLimit} keeps a limit), or forgets it when null. */
  default Future<Void> putSemaphorePerKey(String semaphore, Integer perKey) {
    return putMeta(semaphorePerKeyKey(semaphore), perKey == null ? null : Integer.toString(perKey));
  }
}
