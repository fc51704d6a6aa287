package io.brinjal.recurring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.ConfigException;
import io.brinjal.execution.NotFoundException;
import io.brinjal.execution.TaskEngine;
import io.brinjal.execution.TaskListener;
import io.brinjal.store.ClusterStore;
import io.brinjal.store.QueuedTask;
import io.brinjal.store.TaskState;
import io.brinjal.store.TaskStore;
import io.brinjal.json.Json;
import io.brinjal.task.Task;
import io.brinjal.task.TaskRegistry;
import io.brinjal.task.TaskType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks on cron schedules. Event-loop confined: every schedule lives on the engine's event
 * loop, so firing, statistics and the HTTP views need no locks. Public methods hop to that loop
 * and answer with a {@link Future}; methods ending in {@code OnLoop} must already be on it.
 *
 * <p>One Vert.x timer is armed for the earliest {@code next_run} (no polling). When it fires,
 * each due schedule queues one instance (a fresh task bound from its parameters, with
 * {@code parent_id} = the schedule's id) unless {@code max_concurrent} instances are still
 * queued or running, in which case the firing is skipped and counted. Either way the next run is
 * computed from now, so a late wake-up (a paused server, a busy loop) fires once, never a burst.
 * Instance ends reach the statistics through a {@link TaskListener}.
 *
 * <p>Schedules created over HTTP (not the configured ones, which are declared anew at each
 * start) are written to the engine's {@link TaskStore} with every change, and {@link #restore}
 * brings them back with their ids, state and statistics (with a durable store, after a restart).
 */
public final class RecurringScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(RecurringScheduler.class);
  /**
   * The longest the timer sleeps: a wall-clock step (NTP, suspend) moves due times, while timers
   * count monotonic time, so a far-off run is re-checked at least this often.
   */
  static final Duration MAX_NAP = Duration.ofMinutes(1);
  public static final int MAX_PREVIEW = 100;

  private final TaskEngine engine;
  private final Vertx vertx;
  private final Clock clock;
  private final TaskStore store;
  private final LegacyScheduleFile legacyFile; // null unless recurring.store_file is set
  private ClusterStore cluster; // null with one node
  private Consumer<String> tellOtherNodes = id -> {};
  private final List<Listener> listeners = new ArrayList<>();

  /** What a firing did: queued an instance, skipped (max_concurrent reached), or could not build it. */
  public enum RunResult {
    SUBMITTED, SKIPPED, FAILED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Observes schedules (metrics). Called on the engine's loop, synchronously: keep it quick. */
  public interface Listener {
    default void onScheduleCreated(String recurringId) {}

    default void onScheduleFired(String recurringId, RunResult result) {}

    default void onScheduleDeleted(String recurringId) {}
  }

  // ---- event-loop confined state ----
  private final Map<String, Schedule> schedules = new LinkedHashMap<>();
  private final Map<String, Schedule> byInstance = new HashMap<>();
  private long timer = -1;
  private Instant armedFor;
  private boolean closed;

  /** Create it before tasks flow: it registers a listener on the engine. Schedules are kept in the engine's store. */
  public RecurringScheduler(TaskEngine engine, Clock clock) {
    this.engine = engine;
    this.vertx = engine.vertx();
    this.clock = clock;
    this.store = engine.store();
    String legacy = engine.config().recurring().storeFile();
    this.legacyFile = legacy.isEmpty() ? null : new LegacyScheduleFile(vertx, java.nio.file.Path.of(legacy));
    engine.addListener(new TaskListener() {
      @Override
      public void onSubmitted(TaskState task) {
        instanceQueuedOnLoop(task.id(), task.parentId());
      }

      @Override
      public void onFinished(TaskState task) {
        instanceEndedOnLoop(task, true);
      }

      @Override
      public void onQueuedElsewhere(String taskId, String parentId) {
        instanceQueuedOnLoop(taskId, parentId);
      }

      @Override
      public void onFinishedElsewhere(TaskState task) {
        instanceEndedOnLoop(task, false); // the node where it ended stores the statistics
      }
    });
  }

  /**
   * With several nodes on one store: every node runs every stored schedule, a match fires on the
   * node that takes it in the store ({@link ClusterStore#claimFiring}), and a change of a
   * schedule is told to the others through {@code tell} (they reload, see {@link #reload()}).
   * Call before {@link #restore}.
   */
  public void shareWith(ClusterStore cluster, Consumer<String> tell) {
    this.cluster = cluster;
    this.tellOtherNodes = tell;
  }

  /** Adds an observer; call before schedules are created (it is read on the loop without locks). */
  public RecurringScheduler addListener(Listener listener) {
    listeners.add(listener);
    return this;
  }

  // ---------------------------------------------------------------- API

  /**
   * Registers a schedule asked for over HTTP; its first run is the next match after now, never
   * now. Answers its JSON once the store holds it; if the store cannot take it, the schedule is
   * dropped again and the future fails with the store's error. The same holds for enable,
   * disable and delete: a change the store does not hold is undone.
   */
  public Future<ObjectNode> create(ScheduleSpec spec) {
    return engine.loop().compose(() -> {
      Schedule s = createOnLoop(spec, true);
      return saveOrUndoOnLoop(s, () -> forgetOnLoop(s)).map(v -> s.toJson());
    });
  }

  /** Registers a schedule of the configuration: never stored, since the configuration declares it at each start. */
  public Future<ObjectNode> declare(ScheduleSpec spec) {
    return engine.loop().call(() -> createOnLoop(spec, false).toJson());
  }

  private Schedule createOnLoop(ScheduleSpec spec, boolean kept) {
    if (closed) throw new IllegalStateException("the engine is closed");
    Schedule s = new Schedule(UUID.randomUUID().toString(), spec, now(), kept);
    schedules.put(s.id, s);
    listeners.forEach(l -> l.onScheduleCreated(s.id));
    if (spec.enabled()) enableOnLoop(s);
    else s.disabledReason = "created disabled";
    LOG.info("recurring {} created: {} {} max_concurrent={} next_run={}", s.id, spec.type().name(), spec.cron(),
        spec.maxConcurrent(), s.nextRun);
    armOnLoop();
    return s;
  }

  /** Every schedule, oldest first, as a JSON array. */
  public Future<String> listJson() {
    return engine.loop().call(() -> {
      ArrayNode out = Json.NODES.arrayNode(schedules.size());
      // restored schedules join after the configured ones of this start, yet are older
      schedules.values().stream().sorted(Comparator.comparing((Schedule s) -> s.createdAt))
          .forEach(s -> out.add(s.toJson()));
      return Json.encode(out);
    });
  }

  public Future<String> json(String id) {
    return engine.loop().call(() -> Json.encode(findOnLoop(id).toJson()));
  }

  /** Enables a schedule (next run recomputed from now); false if it already was enabled. */
  public Future<Boolean> enable(String id) {
    return engine.loop().compose(() -> {
      Schedule s = findOnLoop(id);
      if (s.enabled) return Future.succeededFuture(false);
      Runnable undo = s.undoToggle();
      enableOnLoop(s);
      LOG.info("recurring {} enabled, next_run={}", id, s.nextRun);
      armOnLoop();
      return saveOrUndoOnLoop(s, undo).map(true);
    });
  }

  /** Disables a schedule; instances already queued or running go on. False if it already was. */
  public Future<Boolean> disable(String id) {
    return engine.loop().compose(() -> {
      Schedule s = findOnLoop(id);
      if (!s.enabled) return Future.succeededFuture(false);
      Runnable undo = s.undoToggle();
      disableOnLoop(s, "disabled by request");
      LOG.info("recurring {} disabled", id);
      armOnLoop();
      return saveOrUndoOnLoop(s, undo).map(true);
    });
  }

  /** Removes a schedule; its instances already queued or running go on as ordinary tasks. */
  public Future<Void> delete(String id) {
    return engine.loop().compose(() -> {
      Schedule s = findOnLoop(id);
      forgetOnLoop(s);
      LOG.info("recurring {} deleted", id);
      return storeOrUndoOnLoop(s, () -> store.deleteSchedule(s.id), () -> rememberOnLoop(s));
    });
  }

  private void forgetOnLoop(Schedule s) {
    schedules.remove(s.id);
    s.active.forEach(byInstance::remove);
    listeners.forEach(l -> l.onScheduleDeleted(s.id));
    armOnLoop();
  }

  private void rememberOnLoop(Schedule s) {
    schedules.put(s.id, s);
    s.active.forEach(instance -> byInstance.put(instance, s));
    listeners.forEach(l -> l.onScheduleCreated(s.id));
  }

  /** The next {@code n} firings from now (also for a disabled schedule: what it would do). */
  public Future<ObjectNode> preview(String id, int n) {
    return engine.loop().call(() -> {
      ObjectNode out = Json.object();
      out.put("recurring_id", id);
      return out.setAll(previewJson(findOnLoop(id).spec.cron(), now(), n));
    });
  }

  /** {@code {"cron_expression", "tz", "next_runs": [...]}}: the next {@code n} firings after {@code from}. */
  public static ObjectNode previewJson(CronSchedule cron, Instant from, int n) {
    ObjectNode out = Json.object();
    out.put("cron_expression", cron.expression());
    out.put("tz", cron.zone().getId());
    ArrayNode next = out.putArray("next_runs");
    cron.next(from, n).forEach(t -> next.add(Json.timestamp(t)));
    return out;
  }

  public TaskRegistry registry() {
    return engine.registry();
  }

  /** The zone of schedules that name none ({@code recurring.default_tz}). */
  public ZoneId defaultZone() {
    return engine.config().recurring().defaultTz();
  }

  /** The scheduler's clock, for previews of expressions not registered yet. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Stops firing. Statistics are written with every change, so nothing is left to save; the
   * store completes those writes before it closes. Instances already queued are the engine's.
   */
  public Future<Void> close() {
    return engine.loop().call(() -> {
      closed = true;
      cancelTimerOnLoop();
      return null;
    });
  }

  // ---------------------------------------------------------------- the store

  /**
   * Brings back the schedules kept in the store, with their ids, state and statistics; an
   * enabled one runs next at its next match after now (no catch-up for the time the server was
   * down). {@code queued} are the tasks waiting in the store: those a schedule queued count
   * toward its {@code max_concurrent} again. First imports a {@code recurring.store_file} of
   * an earlier version, once. Fails with a {@link ConfigException} naming the store and the
   * entry if an entry cannot be used (unknown task type, refused parameters).
   */
  public Future<Void> restore(List<QueuedTask> queued) {
    Future<Void> imported = legacyFile == null ? Future.succeededFuture() : importLegacyFile();
    return imported.compose(v -> store.schedules())
        .compose(entries -> engine.loop().call(() -> {
          restoreOnLoop(entries);
          for (QueuedTask q : queued) instanceQueuedOnLoop(q.id(), q.parentId());
          return null;
        }));
  }

  /**
   * Another node created, changed or deleted a schedule: schedules kept in the store are read
   * again. New ones join, deleted ones go, and a change of enabled takes effect (this node's
   * statistics of a schedule are its own; the store keeps the last node's).
   */
  public Future<Void> reload() {
    return store.schedules().compose(entries -> engine.loop().call(() -> {
      Map<String, ObjectNode> stored = new LinkedHashMap<>();
      for (ObjectNode e : entries) stored.put(e.path("recurring_id").asText(), e);
      for (Schedule s : List.copyOf(schedules.values())) {
        if (s.kept && !stored.containsKey(s.id)) {
          forgetOnLoop(s);
          LOG.info("recurring {} deleted on another node", s.id);
        }
      }
      for (ObjectNode entry : stored.values()) {
        String where = "store " + store.describe() + ", recurring schedule " + entry.path("recurring_id").asText("?");
        Schedule fresh;
        try {
          fresh = StoredSchedule.parse(entry, where, registry(), defaultZone());
        } catch (RuntimeException e) {
          LOG.warn("{}: not taken from another node: {}", where, e.getMessage());
          continue;
        }
        Schedule known = schedules.get(fresh.id);
        if (known == null) {
          if (fresh.enabled) fresh.nextRun = fresh.spec.cron().nextAfter(now()).orElse(null);
          schedules.put(fresh.id, fresh);
          listeners.forEach(l -> l.onScheduleCreated(fresh.id));
          LOG.info("recurring {} created on another node", fresh.id);
        } else if (known.enabled != fresh.enabled) {
          if (fresh.enabled) enableOnLoop(known);
          else disableOnLoop(known, fresh.disabledReason == null ? "disabled" : fresh.disabledReason);
        }
      }
      armOnLoop();
      return null;
    }));
  }

  private void restoreOnLoop(List<ObjectNode> entries) {
    Map<String, Schedule> restored = new LinkedHashMap<>();
    for (ObjectNode entry : entries) {
      String where = "store " + store.describe() + ", recurring schedule " + entry.path("recurring_id").asText("?");
      Schedule s = StoredSchedule.parse(entry, where, registry(), defaultZone());
      if (schedules.containsKey(s.id) || restored.putIfAbsent(s.id, s) != null) {
        throw new ConfigException(where + ": its id appears twice");
      }
    }
    for (Schedule s : restored.values()) {
      if (s.enabled) s.nextRun = s.spec.cron().nextAfter(now()).orElse(null);
      schedules.put(s.id, s);
      listeners.forEach(l -> l.onScheduleCreated(s.id));
    }
    if (!restored.isEmpty()) LOG.info("recurring: {} schedule(s) restored from {}", restored.size(), store.describe());
    armOnLoop();
  }

  /**
   * {@code recurring.store_file} is retired: schedules live in the task store. A file named
   * there is read once and its schedules copied into the store (each checked as strictly as
   * before); the store remembers that, and the file is never written again.
   */
  private Future<Void> importLegacyFile() {
    String marker = "imported:" + legacyFile.file();
    return store.meta(marker).compose(when -> {
      if (when != null) {
        LOG.warn("recurring.store_file is retired: schedules live in the task store ({}); {} was imported on {} and is"
            + " not read again; remove the setting", store.describe(), legacyFile.file(), when);
        return Future.succeededFuture();
      }
      return legacyFile.load().compose(entries -> {
        List<Future<Void>> saved = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
          Schedule s = StoredSchedule.parse(entries.get(i), legacyFile.where(i), registry(), defaultZone());
          saved.add(store.saveSchedule(s.id, entries.get(i)));
        }
        return Future.all(saved).compose(v -> store.putMeta(marker, now().toString())).onSuccess(v ->
            LOG.warn("recurring.store_file is retired: {} schedule(s) imported from {} into the task store ({}); the file"
                + " is not read or written any more; remove the setting{}", entries.size(), legacyFile.file(),
                store.describe(), store.durable() ? "" : " (store.type memory keeps nothing across restarts)"));
      }).recover(e -> Future.failedFuture(e instanceof ConfigException ? e
          : new ConfigException("recurring.store_file: " + legacyFile.file() + " could not be imported: " + e.getMessage())));
    });
  }

  /** After a change asked for over HTTP: done once the store holds it (and the other nodes are told), else undone. */
  private Future<Void> saveOrUndoOnLoop(Schedule s, Runnable undo) {
    return storeOrUndoOnLoop(s, () -> store.saveSchedule(s.id, s.toStoredJson()), undo);
  }

  private Future<Void> storeOrUndoOnLoop(Schedule s, Supplier<Future<Void>> write, Runnable undo) {
    if (!s.kept) return Future.succeededFuture();
    return write.get().onSuccess(v -> tellOtherNodes.accept(s.id)).recover(e -> {
      undo.run();
      armOnLoop();
      return Future.failedFuture(e);
    });
  }

  /** After statistics changed: best effort, a failure is logged and the next change writes them again. */
  private void persistQuietlyOnLoop(Schedule s) {
    if (!s.kept) return;
    store.saveSchedule(s.id, s.toStoredJson())
        .onFailure(e -> LOG.warn("recurring {}: statistics not saved: {}", s.id, e.getMessage()));
  }

  // ---------------------------------------------------------------- firing

  /** The timer's handler: fires every due schedule once, then re-arms. */
  void wakeOnLoop() {
    timer = -1;
    armedFor = null;
    if (closed) return;
    Instant now = now();
    List<Schedule> due = new ArrayList<>();
    for (Schedule s : schedules.values()) {
      if (s.enabled && s.nextRun != null && !s.nextRun.isAfter(now)) due.add(s);
    }
    due.sort(Comparator.comparing((Schedule s) -> s.nextRun));
    try {
      for (Schedule s : due) {
        try {
          if (cluster == null) fireOnLoop(s, now);
          else fireOnceInTheClusterOnLoop(s, s.nextRun, now);
        } catch (RuntimeException e) { // a bug must cost one firing, not the scheduler
          LOG.error("recurring {} failed to fire", s.id, e);
        }
        // from now, not from the missed match: however late the wake-up, one firing catches up
        if (s.enabled) s.nextRun = s.spec.cron().nextAfter(now).orElse(null);
        if (cluster == null) persistQuietlyOnLoop(s); // with several nodes, the one that fires stores it
      }
    } finally {
      armOnLoop();
    }
  }

  /** Several nodes run every schedule: the one that takes the match in the store fires it. */
  private void fireOnceInTheClusterOnLoop(Schedule s, Instant due, Instant now) {
    cluster.claimFiring(s.id, due).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("recurring {}: could not take the run due at {} ({}); it is skipped here", s.id, due, ar.cause().getMessage());
      } else if (ar.result() && schedules.get(s.id) == s && !closed) {
        fireOnLoop(s, now);
        persistQuietlyOnLoop(s);
      }
    });
  }

  private void fireOnLoop(Schedule s, Instant now) {
    if (s.active.size() + s.storing >= s.spec.maxConcurrent()) {
      s.skippedRuns++;
      LOG.info("recurring {} skipped a run: {} instance(s) still queued or running (max_concurrent {})",
          s.id, s.active.size(), s.spec.maxConcurrent());
      firedOnLoop(s, RunResult.SKIPPED);
      return;
    }
    s.lastRun = now;
    Task task;
    try {
      task = s.spec.newTask();
    } catch (RuntimeException | LinkageError e) { // a constructor or validate() that throws must not stop the scheduler
      LOG.warn("recurring {} could not build its {}: {}", s.id, s.spec.type().name(), e.toString());
      Throwable why = e instanceof TaskType.TaskConstructionException && e.getCause() != null ? e.getCause() : e;
      failedOnLoop(s, "could not build the task: " + why);
      firedOnLoop(s, RunResult.FAILED);
      return;
    }
    Future<String> queued;
    try {
      queued = engine.submitOnLoop(s.spec.type(), task, s.id, s.spec.jobOptions());
    } catch (IllegalStateException e) { // the engine is closing
      LOG.info("recurring {} did not fire: {}", s.id, e.getMessage());
      return;
    } catch (RuntimeException e) { // the queue is full: this run is skipped
      LOG.warn("recurring {} could not queue its task: {}", s.id, e.getMessage());
      s.skippedRuns++;
      firedOnLoop(s, RunResult.SKIPPED);
      return;
    }
    firedOnLoop(s, RunResult.SUBMITTED);
    s.storing++; // counts toward max_concurrent until the store has it (then it is active)
    queued.onComplete(ar -> {
      s.storing--;
      if (ar.succeeded()) LOG.debug("recurring {} queued {}", s.id, ar.result());
      else LOG.warn("recurring {} could not store its task: {}", s.id, ar.cause().getMessage());
    });
  }

  private void firedOnLoop(Schedule s, RunResult result) {
    listeners.forEach(l -> l.onScheduleFired(s.id, result));
  }

  /**
   * Counted from the listener, by the task's parent id, not from submit's answer: a task that
   * ends at once may report its end before submit's answer arrives, and tasks still queued from
   * before a restart count too.
   */
  private void instanceQueuedOnLoop(String taskId, String parentId) {
    Schedule s = parentId == null ? null : schedules.get(parentId);
    if (s == null) return;
    s.active.add(taskId);
    byInstance.put(taskId, s);
  }

  private void instanceEndedOnLoop(TaskState task, boolean endedHere) {
    Schedule s = byInstance.remove(task.id());
    if (s == null) return;
    s.active.remove(task.id());
    switch (task.status()) {
      case DONE -> {
        s.totalRuns++;
        s.consecutiveFailures = 0;
      }
      case FAILED -> failedOnLoop(s, task.errorType() == null
          ? task.errorMessage() : task.errorType() + ": " + task.errorMessage());
      default -> s.totalRuns++; // cancelled: neither a success nor a failure
    }
    if (endedHere) persistQuietlyOnLoop(s);
  }

  private void failedOnLoop(Schedule s, String error) {
    s.totalRuns++;
    s.totalFailures++;
    s.consecutiveFailures++;
    s.lastError = error;
    Integer limit = s.spec.pauseAfterFailures();
    if (limit != null && s.enabled && s.consecutiveFailures >= limit) {
      disableOnLoop(s, "paused after " + s.consecutiveFailures + " consecutive failures (last: " + error + ")");
      LOG.warn("recurring {} paused after {} consecutive failures", s.id, s.consecutiveFailures);
      armOnLoop();
    }
  }

  private void enableOnLoop(Schedule s) {
    s.enabled = true;
    s.disabledReason = null;
    s.consecutiveFailures = 0; // a re-enabled schedule starts its failure count afresh
    s.nextRun = s.spec.cron().nextAfter(now()).orElse(null);
  }

  private static void disableOnLoop(Schedule s, String reason) {
    s.enabled = false;
    s.disabledReason = reason;
    s.nextRun = null;
  }

  /** One timer for all schedules, armed for the earliest next run (at most {@link #MAX_NAP} away). */
  private void armOnLoop() {
    cancelTimerOnLoop();
    if (closed) return;
    Instant earliest = null;
    for (Schedule s : schedules.values()) {
      if (s.enabled && s.nextRun != null && (earliest == null || s.nextRun.isBefore(earliest))) earliest = s.nextRun;
    }
    if (earliest == null) return;
    Instant now = now();
    Instant wakeAt = earliest.isAfter(now.plus(MAX_NAP)) ? now.plus(MAX_NAP) : earliest;
    long delayMs = Math.max(1, Duration.between(now, wakeAt).toMillis() + 1); // +1: never a hair early
    armedFor = wakeAt;
    timer = vertx.setTimer(delayMs, t -> wakeOnLoop()); // armed on the loop, so it fires there
  }

  private void cancelTimerOnLoop() {
    if (timer != -1) vertx.cancelTimer(timer);
    timer = -1;
    armedFor = null;
  }

  /** Test hook: the instant the timer is armed for, or null. */
  Instant armedForOnLoop() {
    return armedFor;
  }

  private Schedule findOnLoop(String id) {
    Schedule s = schedules.get(id);
    if (s == null) throw new NotFoundException("Recurring task " + id + " not found"); // brinjal's text
    return s;
  }
}
