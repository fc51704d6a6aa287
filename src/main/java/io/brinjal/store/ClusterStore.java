package io.brinjal.store;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A store that several servers share (PostgreSQL), and what they need of it beyond
 * {@link TaskStore} to act as one service: membership with leases kept on the database's clock,
 * taking over the tasks of a node that stopped renewing its lease, cancel requests for tasks that
 * run elsewhere, notifications between nodes, and recurring firings taken once cluster-wide.
 *
 * <p>Same rules as {@link TaskStore}: futures complete on the caller's context; a success means
 * it is stored; every write of a task names the version it replaces, so a node that lost its
 * lease (and whose tasks were taken over, which writes their next version) can no longer write
 * them: its writes fail as stale.
 */
public interface ClusterStore extends TaskStore {

  /** One live node as the database sees it. */
  record NodeInfo(String nodeId, Instant joinedAt, Duration sinceHeartbeat) {}

  /** Tasks of one semaphore: holding a permit (running or cancelling) and waiting (queued), cluster-wide. */
  record SemaphoreCount(int running, int waiting) {}

  /**
   * Registers {@code nodeId} (a new incarnation: node ids are never reused) with a lease that
   * starts now on the database's clock. An id that is registered already fails with
   * {@link IllegalArgumentException}.
   */
  Future<Void> join(String nodeId);

  /**
   * Renews the lease. Answers false when the node's row is gone: another node found its lease
   * expired and took its tasks over. Such a node must stop claiming at once, interrupt what it
   * still runs (those tasks are no longer its own) and join again under a new id.
   */
  Future<Boolean> heartbeat(String nodeId);

  /** A graceful leave: the row goes (tasks it still held are left as they are). */
  Future<Void> leave(String nodeId);

  /**
   * Every node whose last renewal is older than {@code timeout} (database clock) is removed, and
   * the tasks it held a permit for are replaced by {@code decide.apply(task)}, as
   * {@link #recover} does, in the same transaction as the removal. Safe when several nodes do it
   * at once (each dead node is taken over exactly once). Answers the new states (and which node
   * each came from, in {@link TaskState#owner()} of the state given to {@code decide}).
   */
  Future<List<TaskState>> reapDead(Duration timeout, UnaryOperator<TaskState> decide);

  /** The live nodes, oldest first. */
  Future<List<NodeInfo>> nodes();

  /**
   * Asks whoever runs the task to stop it: a task that holds a permit gets
   * {@code cancel_requested} and its next version (so its owner's next write, fenced on the
   * version, notices). Answers the new state, or the current one unchanged when the task is not
   * running (queued or finished), or null when there is no such task.
   */
  Future<TaskState> requestCancel(String id);

  /** Running (with cancelling) and waiting tasks per semaphore, cluster-wide (semaphores with none may be absent). */
  Future<Map<String, SemaphoreCount>> semaphoreCounts();

  /**
   * Takes the firing of schedule {@code scheduleId} due at {@code due} for this node: true for
   * exactly one caller cluster-wide, false for every other (whenever they ask). Old firings are
   * forgotten after a day.
   */
  Future<Boolean> claimFiring(String scheduleId, Instant due);

  // ---------------------------------------------------------------- notifications between nodes

  /**
   * Sends each payload (at most 7,900 bytes of UTF-8) to every listening node, this one
   * included, in order. Call it after the change it announces is stored.
   */
  Future<Void> notifyNodes(List<String> payloads);

  /**
   * Listens for payloads on a connection of its own, reconnecting when it is lost. Payloads sent
   * while it was disconnected are lost: {@code reconnected} runs after every reconnect so the
   * caller can catch up (see {@link #changedSince}). Both run on the caller's context. Answers
   * once listening.
   */
  Future<Void> listen(Consumer<String> payload, Runnable reconnected);

  /**
   * Tasks written since {@code millis} on the database's clock (every write stamps its task),
   * oldest change first, at most {@code max}; and ids of tasks deleted since then. For catching up
   * after a lost connection and for a slow backstop poll.
   */
  Future<Changes> changedSince(long millis, int max);

  /** What changed: tasks as they are now, ids deleted, and the database's time of the query. */
  record Changes(List<TaskState> tasks, List<String> deleted, long asOfMillis) {}
}
