package io.brinjal.cluster;

import io.brinjal.execution.TaskEngine;
import io.brinjal.execution.TaskEngine.RemoteChange;
import io.brinjal.execution.TaskPublisher;
import io.brinjal.execution.TaskView;
import io.brinjal.loop.Loop;
import io.brinjal.store.ClusterStore;
import io.brinjal.store.TaskState;
import io.brinjal.streaming.TaskEvents;
import io.brinjal.task.TaskStatus;
import io.brinjal.wire.TaskJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live updates across nodes. As the engine's publisher it publishes every change to this node's
 * own streams ({@link TaskEvents}) and tells the other nodes with a NOTIFY after the change is
 * stored; what the others tell, it publishes to this node's streams and hands to the engine
 * (waiting lines, cancels and deletes of tasks running here, permits freed elsewhere), so a
 * subscriber on any node sees every task of the cluster. Progress of a running task is told at
 * most every {@value #PROGRESS_INTERVAL_MS} ms (the latest wins); a new task, a new status and a
 * removal go out at once, in order. Queue positions are not told: every node ranks the lines.
 *
 * <p>Notifications sent while a node's listening connection was down are lost: after every
 * reconnect, and every {@code poll} interval as a backstop, it asks the store what changed since
 * and publishes what it had not seen. Event-loop confined (the engine's loop).
 */
public final class ClusterEvents implements TaskPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);
  static final long PROGRESS_INTERVAL_MS = 50;
  /** How far back a catch-up looks before the last one: a write stamped earlier may commit later. */
  private static final long CATCH_UP_OVERLAP_MS = 2_000;
  private static final int CATCH_UP_MAX = 5_000;
  private static final int SEND_BATCH = 200;
  private static final int REMEMBERED_VERSIONS = 20_000;

  private final Vertx vertx;
  private final Loop loop;
  private final ClusterStore store;
  private final TaskEvents local;
  private final long pollMillis;
  private TaskEngine engine;
  private Runnable schedulesChanged = () -> {};

  // ---- event-loop confined ----
  private String nodeId;
  private final Set<String> ownIds = new HashSet<>(); // this node under every name it had
  private final List<String> toSend = new ArrayList<>();
  private final LinkedHashMap<String, NodeMessage> progress = new LinkedHashMap<>(); // coalesced, by task
  private final LinkedHashMap<String, Long> seenVersions = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > REMEMBERED_VERSIONS;
    }
  };
  private boolean sending;
  private long progressTimer = -1;
  private long pollTimer = -1;
  private long caughtUpTo = -1; // database clock
  private boolean catchingUp;
  private boolean closed;

  public ClusterEvents(Vertx vertx, Loop loop, ClusterStore store, TaskEvents local, long pollMillis) {
    this.vertx = vertx;
    this.loop = loop;
    this.store = store;
    this.local = local;
    this.pollMillis = pollMillis;
  }

  /** The engine whose changes these are (created after its publisher). */
  public void attach(TaskEngine engine) {
    this.engine = engine;
  }

  /** Called when another node changed the recurring schedules. */
  public void onSchedulesChanged(Runnable reload) {
    this.schedulesChanged = reload;
  }

  /** This node's name, now and after a lost lease (its earlier names stay its own). */
  public void nameOnLoop(String nodeId) {
    this.nodeId = nodeId;
    ownIds.add(nodeId);
  }

  /** Starts listening (and the backstop poll); completes once listening. */
  public Future<Void> start() {
    return loop.compose(() -> store.changedSince(Long.MAX_VALUE / 2, 1)
        .compose(now -> {
          caughtUpTo = now.asOfMillis();
          // called here, on the loop: the store answers on this context
          return store.listen(this::receivedOnLoop, () -> catchUpOnLoop("reconnected"));
        })
        .onSuccess(v -> pollTimer = vertx.setPeriodic(pollMillis, t -> {
          catchUpOnLoop(null);
          // a limit change whose notification was lost: the store has it (and claims count against it already)
          engine.reloadLimitsOnLoop().onFailure(e -> LOG.debug("could not read the semaphore limits: {}", e.getMessage()));
          engine.pollClaimsOnLoop();
        })));
  }

  public Future<Void> close() {
    return loop.call(() -> {
      closed = true;
      if (pollTimer != -1) vertx.cancelTimer(pollTimer);
      if (progressTimer != -1) vertx.cancelTimer(progressTimer);
      flushProgressOnLoop();
      return null;
    });
  }

  /** Tells the other nodes that a semaphore's limit changed (they read it from the store again). */
  public void limitChangedOnLoop(String semaphore) {
    sendOnLoop(NodeMessage.limit(nodeId, semaphore));
  }

  /** Tells the other nodes that the recurring schedules changed (they read them again). */
  public void schedulesChangedOnLoop(String scheduleId) {
    sendOnLoop(NodeMessage.schedules(nodeId, scheduleId));
  }

  // ---------------------------------------------------------------- this node's changes

  @Override
  public void added(TaskView task) {
    TaskState s = task.state();
    String json = TaskJson.encode(task); // rendered once, for this node's streams and the others'
    local.addedOnLoop(s.id(), s.seq(), json);
    remember(s.id(), s.version());
    sendOnLoop(NodeMessage.of(nodeId, NodeMessage.ADDED, s, json));
  }

  @Override
  public void changed(TaskView task) {
    TaskState s = task.state();
    String json = TaskJson.encode(task);
    showOnLoop(s.id(), s.seq(), false, s.isTerminal(), json, !seenVersions.containsKey(s.id()));
    remember(s.id(), s.version());
    progress.remove(s.id()); // superseded
    sendOnLoop(NodeMessage.of(nodeId, NodeMessage.CHANGED, s, json));
  }

  /** Live values: at once here, coalesced for the others (the latest wins). */
  @Override
  public void progressed(TaskView task) {
    TaskState s = task.state();
    String json = TaskJson.encode(task);
    showOnLoop(s.id(), s.seq(), false, false, json, !seenVersions.containsKey(s.id()));
    remember(s.id(), s.version());
    progress.put(s.id(), NodeMessage.of(nodeId, NodeMessage.CHANGED, s, json));
    if (progressTimer == -1) progressTimer = vertx.setTimer(PROGRESS_INTERVAL_MS, t -> {
      progressTimer = -1;
      flushProgressOnLoop();
    });
  }

  /** Each node ranks the lines itself: a position is news for this node's streams only. */
  @Override
  public void positionChanged(TaskView task) {
    local.changed(task);
  }

  @Override
  public void removed(String taskId) {
    local.removed(taskId);
    progress.remove(taskId);
    seenVersions.remove(taskId);
    sendOnLoop(NodeMessage.removed(nodeId, taskId));
  }

  /** Whether this version of the task is news (and if so, it is not news any more). */
  private boolean remember(String taskId, long version) {
    Long seen = seenVersions.get(taskId);
    if (seen != null && seen >= version) return false;
    seenVersions.put(taskId, version);
    return true;
  }

  private void flushProgressOnLoop() {
    progress.values().forEach(m -> toSend.add(m.encode()));
    progress.clear();
    sendNextOnLoop();
  }

  private void sendOnLoop(NodeMessage message) {
    if (closed) return;
    toSend.add(message.encode());
    sendNextOnLoop();
  }

  /** One NOTIFY batch in flight at a time; what comes meanwhile goes in the next, in order. */
  private void sendNextOnLoop() {
    if (sending || toSend.isEmpty()) return;
    sending = true;
    List<String> batch = new ArrayList<>(toSend.subList(0, Math.min(SEND_BATCH, toSend.size())));
    toSend.subList(0, batch.size()).clear();
    store.notifyNodes(batch).onComplete(ar -> {
      sending = false;
      if (ar.failed()) {
        // the others catch up from the store when their poll comes (or they reconnect)
        LOG.warn("could not tell the other nodes of {} change(s): {}", batch.size(), ar.cause().getMessage());
      }
      sendNextOnLoop();
    });
  }

  // ---------------------------------------------------------------- the others' changes

  private void receivedOnLoop(String payload) {
    NodeMessage m;
    try {
      m = NodeMessage.decode(payload);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignored a notification that is not ours: {}", e.getMessage());
      return;
    }
    if (ownIds.contains(m.node()) || engine == null) return; // published here already
    if (m.kind() == NodeMessage.LIMIT) {
      engine.reloadLimitOnLoop(m.id())
          .onFailure(e -> LOG.warn("could not read the limit of semaphore '{}' another node changed: {}", m.id(), e.getMessage()));
      return;
    }
    if (m.kind() == NodeMessage.SCHEDULES) {
      schedulesChanged.run();
      return;
    }
    if (m.kind() == NodeMessage.REMOVED) {
      seenVersions.remove(m.id());
      local.removed(m.id());
      engine.remoteChangeOnLoop(m.change());
      return;
    }
    Long seen = seenVersions.get(m.id());
    // older than what this node showed already (the store's catch-up read a newer state first):
    // neither the streams nor the waiting lines may go back to it. A stream may skip a state
    // this way, never show one after a newer one (a card stuck on "running" after "done").
    if (seen != null && seen > m.version()) return;
    boolean unknown = seen == null;
    remember(m.id(), m.version());
    // only a recurring schedule's instances (tasks with a parent) are followed across nodes
    boolean followed = m.terminal() && m.change().parentId() != null;
    if (m.taskJson() != null) {
      publishOnLoop(m.change(), m.taskJson(), unknown);
      engine.remoteChangeOnLoop(m.change());
      if (followed) engine.finishedElsewhereOnLoop(TaskJson.read(m.taskJson()));
    } else { // too big for a notification: read it
      engine.remoteChangeOnLoop(m.change());
      engine.view(m.id()).onSuccess(view -> {
        publishOnLoop(m.change(), TaskJson.encode(view), unknown);
        if (followed && view.state().isTerminal()) engine.finishedElsewhereOnLoop(view.state());
      }).onFailure(e -> LOG.debug("task {} changed on {} but could not be read: {}", m.id(), m.node(), e.getMessage()));
    }
  }

  private void publishOnLoop(RemoteChange change, String json, boolean unknown) {
    boolean added = change.kind() == RemoteChange.Kind.ADDED;
    showOnLoop(change.taskId(), change.seq(), added, !added && change.status().isTerminal(), json, unknown);
  }

  /**
   * Shows a task's addition or state on this node's streams. A task they never showed
   * ({@code unknown}: its addition was missed, the store's catch-up saw it first already past
   * queued, or this node claimed it before the notification of its addition arrived, which is
   * then older than what was shown and dropped) is added first, with this state, so queue
   * subscribers get its task_added before any state of it.
   */
  private void showOnLoop(String taskId, long seq, boolean added, boolean terminal, String json, boolean unknown) {
    if (added || unknown) local.addedOnLoop(taskId, seq, json);
    if (!added) local.changedOnLoop(taskId, terminal, json);
  }

  /**
   * What changed since the last catch-up (with an overlap), published unless seen already: after
   * a reconnect (notifications sent meanwhile were lost) and as a slow backstop.
   */
  private void catchUpOnLoop(String why) {
    if (closed || catchingUp || caughtUpTo < 0 || engine == null) return;
    catchingUp = true;
    if (why != null) LOG.info("listening to the other nodes again ({}): catching up from the store", why);
    catchUpFromOnLoop(caughtUpTo - CATCH_UP_OVERLAP_MS);
  }

  /** One page of changes; a full page means more follow, from where it ended (no overlap then). */
  private void catchUpFromOnLoop(long from) {
    store.changedSince(from, CATCH_UP_MAX).onComplete(ar -> {
      if (ar.failed()) {
        catchingUp = false;
        LOG.debug("catch-up from the store failed: {}", ar.cause().getMessage());
        return;
      }
      ClusterStore.Changes changes = ar.result();
      publishChangesOnLoop(changes);
      if (changes.tasks().size() >= CATCH_UP_MAX && !closed) {
        catchUpFromOnLoop(changes.asOfMillis());
      } else {
        caughtUpTo = changes.asOfMillis();
        catchingUp = false;
      }
    });
  }

  private void publishChangesOnLoop(ClusterStore.Changes changes) {
    for (TaskState t : changes.tasks()) {
      if (engine.isRunningHereOnLoop(t.id())) continue; // its live events are newer than the store
      boolean unknown = !seenVersions.containsKey(t.id());
      if (!remember(t.id(), t.version())) continue;
      RemoteChange change = RemoteChange.of(unknown && t.version() == 1
          && (t.status() == TaskStatus.QUEUED || t.status() == TaskStatus.SCHEDULED)
          ? RemoteChange.Kind.ADDED : RemoteChange.Kind.CHANGED, t);
      publishOnLoop(change, TaskJson.encode(TaskView.of(t)), unknown);
      engine.remoteChangeOnLoop(change);
      if (t.isTerminal() && t.parentId() != null) engine.finishedElsewhereOnLoop(t);
    }
    for (String id : changes.deleted()) {
      if (seenVersions.remove(id) == null) continue;
      local.removed(id);
      engine.remoteChangeOnLoop(RemoteChange.removed(id));
    }
  }
}
