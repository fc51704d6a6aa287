package io.brinjal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.streaming.TaskEvents;
import io.brinjal.task.Task;
import io.brinjal.task.TaskControl;
import io.brinjal.task.TaskRegistry;
import io.brinjal.task.TaskStatus;
import io.brinjal.task.TaskType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task manager. All of its state (the store, each semaphore's wait queue and running count,
 * the retention lists) is event-loop confined: it lives on the one context captured at creation
 * and is touched nowhere else, so it needs no locks. Public methods may be called from any
 * thread; they hop to that loop and answer with a {@link Future}. Methods ending in
 * {@code OnLoop} must already be on it. Only {@link Task#run()} and progress hooks leave the
 * loop, on one {@link WorkerExecutor} per semaphore sized to its limit.
 */
public final class TaskEngine {
  private static final Logger LOG = LoggerFactory.getLogger(TaskEngine.class);
  private static final long MAX_TASK_RUN_HOURS = 24; // long run() bodies are normal here
  private static final int HOOK_POOL_SIZE = 4;
  private static final long POSITION_UPDATE_MS = 100;
  private static final int PUSHED_POSITIONS = 50;

  private final Vertx vertx;
  private final Context loop;
  private final BrinjalConfig config;
  private final TaskRegistry registry;
  private final TaskEvents events;
  private final Clock clock;
  private final long minEventIntervalNanos;
  private final long cancelGraceMillis;
  private final Path scratchRoot;
  private final WorkerExecutor hookPool;

  // ---- event-loop confined state ----
  private final Map<String, TaskRecord> store = new LinkedHashMap<>();
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final LinkedHashSet<TaskRecord> retainedDone = new LinkedHashSet<>();
  private final LinkedHashSet<TaskRecord> retainedFailed = new LinkedHashSet<>();
  private final Set<String> warnedUnknownSemaphores = new HashSet<>();
  private final List<TaskListener> listeners = new ArrayList<>();
  private boolean closed;
  private Promise<Void> drained; // set by shutdown(): completed when no task is running any more

  /** Binds the engine to the caller's context (or a new event-loop context). */
  public static TaskEngine create(Vertx vertx, BrinjalConfig config, TaskRegistry registry) {
    return new TaskEngine(vertx, vertx.getOrCreateContext(), config, registry, Clock.systemUTC());
  }

  public TaskEngine(Vertx vertx, Context loop, BrinjalConfig config, TaskRegistry registry, Clock clock) {
    if (!loop.isEventLoopContext()) throw new IllegalArgumentException("the engine needs an event-loop context");
    this.vertx = vertx;
    this.loop = loop;
    this.config = config;
    this.registry = registry;
    this.events = new TaskEvents(vertx.eventBus(), config.streaming().replayEvents());
    this.clock = clock;
    this.minEventIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.streaming().minEventIntervalMs());
    this.cancelGraceMillis = TimeUnit.SECONDS.toMillis(config.execution().cancelGraceSeconds());
    try {
      this.scratchRoot = Files.createTempDirectory("brinjal-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the task scratch folder", e);
    }
    String poolPrefix = "brinjal-" + Integer.toHexString(System.identityHashCode(this)) + "-";
    config.semaphores().forEach((name, limit) -> lanes.put(name, new Lane(name, limit,
        vertx.createSharedWorkerExecutor(poolPrefix + name, limit, MAX_TASK_RUN_HOURS, TimeUnit.HOURS))));
    this.hookPool = vertx.createSharedWorkerExecutor(poolPrefix + "hooks", HOOK_POOL_SIZE, 1, TimeUnit.HOURS);
  }

  public TaskRegistry registry() {
    return registry;
  }

  public BrinjalConfig config() {
    return config;
  }

  public TaskEvents events() {
    return events;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Adds a lifecycle observer; call before tasks flow (it is read on the loop without locks). */
  public TaskEngine addListener(TaskListener listener) {
    listeners.add(listener);
    return this;
  }

  /** Runs {@code action} on the engine's event loop: inline if already there, else one hop. */
  public <T> Future<T> onLoop(Callable<T> action) {
    Context caller = Vertx.currentContext();
    if (caller == loop) {
      try {
        return Future.succeededFuture(action.call());
      } catch (Throwable e) {
        return Future.failedFuture(e);
      }
    }
    Promise<T> promise = Promise.promise();
    loop.runOnContext(v -> {
      T result;
      try {
        result = action.call();
      } catch (Throwable e) {
        answer(caller, () -> promise.fail(e));
        return;
      }
      answer(caller, () -> promise.complete(result));
    });
    return promise.future();
  }

  /** Completes on the caller's own context, so its callbacks stay on its thread. */
  private static void answer(Context caller, Runnable complete) {
    if (caller == null) complete.run();
    else caller.runOnContext(v -> complete.run());
  }

  // ---------------------------------------------------------------- submission

  /** Binds a task of the type at {@code route} from request input and queues it. */
  public Future<String> submit(String route, ObjectNode body, Map<String, List<String>> query) {
    return submit(route, body, query, null);
  }

  /** As above; {@code runTimeout}, if given, may only shorten the type's own timeout. */
  public Future<String> submit(String route, ObjectNode body, Map<String, List<String>> query, Duration runTimeout) {
    return onLoop(() -> {
      TaskType type = registry.byRoute(route)
          .orElseThrow(() -> new NotFoundException("no task type at /" + route));
      Task task = type.bind(body, query);
      return submitOnLoop(type, task, null, runTimeout);
    });
  }

  /** Queues an already built task (for code that creates tasks itself, such as schedules). */
  public Future<String> submit(Task task, String parentId) {
    return onLoop(() -> {
      TaskType type = registry.all().stream().filter(t -> t.javaType() == task.getClass()).findFirst()
          .orElseThrow(() -> new NotFoundException(task.getClass().getSimpleName() + " is not registered"));
      return submitOnLoop(type, task, parentId);
    });
  }

  /** Queues a bound task; for code already on the loop (recurring schedules). */
  public String submitOnLoop(TaskType type, Task task, String parentId) {
    return submitOnLoop(type, task, parentId, null);
  }

  private String submitOnLoop(TaskType type, Task task, String parentId, Duration requestedTimeout) {
    if (closed) throw new IllegalStateException("the engine is closed");
    Lane lane = laneFor(task.semaphoreName());
    admitOnLoop(lane);
    String id = UUID.randomUUID().toString();
    TaskRecord[] self = new TaskRecord[1];
    TaskControl control = new TaskControl(id,
        () -> loop.runOnContext(v -> liveChangeOnLoop(self[0])), () -> scratchRoot);
    Task.Access.attach(task, control);
    TaskRecord rec = new TaskRecord(id, parentId, type, task, control, lane.name, now(),
        shorter(task.runTimeout(), requestedTimeout));
    self[0] = rec;
    rec.lane = lane;
    store.put(id, rec);
    lane.waiting.add(rec);
    events.publishAddedOnLoop(id, Json.encode(taskJsonOnLoop(rec)));
    listeners.forEach(l -> l.onSubmitted(rec));
    drainOnLoop(lane);
    return id;
  }

  private static Duration shorter(Duration a, Duration b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * A task that would have to wait is refused when the line is full, so memory stays bounded
   * and nothing accepted is ever dropped later. One that can start at once is always taken.
   */
  private void admitOnLoop(Lane lane) {
    if (lane.running.size() < lane.limit) return;
    var limits = config.limits();
    int queued = 0;
    for (Lane l : lanes.values()) queued += l.waiting.size();
    boolean totalFull = limits.maxQueued() > 0 && queued >= limits.maxQueued();
    boolean laneFull = limits.maxQueuedPerSemaphore() > 0 && lane.waiting.size() >= limits.maxQueuedPerSemaphore();
    if (totalFull || laneFull) {
      throw new TooBusyException((totalFull ? queued + " tasks are queued (limits.max_queued)"
          : lane.waiting.size() + " tasks wait for semaphore '" + lane.name + "' (limits.max_queued_per_semaphore)"),
          lane.retryAfterSeconds());
    }
  }

  private Lane laneFor(String semaphore) {
    Lane lane = semaphore == null ? null : lanes.get(semaphore);
    if (lane != null) return lane;
    if (warnedUnknownSemaphores.add(String.valueOf(semaphore))) {
      LOG.warn("unknown semaphore '{}': such tasks run under 'default'", semaphore);
    }
    return lanes.get("default");
  }

  // ---------------------------------------------------------------- execution

  private void drainOnLoop(Lane lane) {
    if (closed) return; // shutting down: the worker pools are closing
    boolean moved = false;
    while (lane.hasFreePermit()) {
      startOnLoop(lane, lane.takeNext());
      moved = true;
    }
    if (moved) lineMovedOnLoop(lane);
  }

  /**
   * Tasks waiting behind moved up. Their new positions are pushed at most every
   * {@value #POSITION_UPDATE_MS} ms and only for the front of the line, so a fast-moving
   * queue of thousands costs a bounded number of events.
   */
  private void lineMovedOnLoop(Lane lane) {
    if (lane.positionTimer != -1 || lane.waiting.isEmpty()) return;
    lane.positionTimer = vertx.setTimer(POSITION_UPDATE_MS, t -> {
      lane.positionTimer = -1;
      int position = 0;
      for (TaskRecord waiting : lane.waiting) {
        if (++position > PUSHED_POSITIONS) break;
        if (waiting.publishedPosition != position) publishTaskOnLoop(waiting);
      }
    });
  }

  private void startOnLoop(Lane lane, TaskRecord rec) {
    lane.running.add(rec);
    lane.peakRunning = Math.max(lane.peakRunning, lane.running.size());
    LOG.debug("semaphore {} acquired by {} ({}/{})", lane.name, rec.id(), lane.running.size(), lane.limit);
    rec.markRunning(now());
    publishTaskOnLoop(rec);
    listeners.forEach(l -> l.onStarted(rec));
    if (rec.type().hasProgressHook()) pollHookOnLoop(rec);
    Duration timeout = rec.runTimeout();
    if (timeout != null) {
      rec.timeoutTimer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
        rec.timeoutTimer = -1;
        stopRunningOnLoop(rec, TaskRecord.StopReason.TIMEOUT);
      });
    }
    Task task = rec.task();
    TaskControl control = rec.control();
    lane.pool
        .executeBlocking(() -> runOnWorker(task, control), false) // false: a lane must not serialise
        .onComplete(ar -> finishOnLoop(lane, rec, ar.cause()));
  }

  /** Worker thread: the only place user work runs. */
  private static Void runOnWorker(Task task, TaskControl control) throws Exception {
    try {
      if (control.enterOnWorker()) Task.Access.run(task);
      return null;
    } finally {
      control.leaveOnWorker();
    }
  }

  private void pollHookOnLoop(TaskRecord rec) {
    long interval = Math.max(1, rec.task().updateInterval().toMillis());
    rec.hookTimer = vertx.setPeriodic(interval, t -> {
      if (rec.hookInFlight) return; // a slow hook is never stacked up
      rec.hookInFlight = true;
      hookPool.executeBlocking(() -> {
        Task.Access.progressHook(rec.task());
        return null;
      }, false).onComplete(ar -> {
        rec.hookInFlight = false;
        if (ar.failed()) LOG.debug("progress hook of {} failed: {}", rec.id(), ar.cause().toString());
      });
    });
  }

  private void finishOnLoop(Lane lane, TaskRecord rec, Throwable failure) {
    lane.running.remove(rec);
    LOG.debug("semaphore {} released by {} ({}/{})", lane.name, rec.id(), lane.running.size(), lane.limit);
    stopTimersOnLoop(rec);
    rec.control().closeOnLoop();
    rec.absorbLiveValues();
    Instant now = now();
    if (rec.isAbandoned()) lane.abandoned--;
    if (rec.stopReason() == TaskRecord.StopReason.TIMEOUT) rec.markTimedOut(now);
    else if (rec.control().isCancelRequested()) rec.markCancelled(now);
    else if (failure != null) rec.markFailed(now, failure);
    else if (rec.failedReasonFromTask() != null) rec.markFailedByTask(now, rec.failedReasonFromTask());
    else rec.markDone(now);
    if (rec.status() != TaskStatus.CANCELLED) lane.recordRunTime(java.time.Duration.between(rec.startedAt(), now));
    publishTaskOnLoop(rec);
    listeners.forEach(l -> l.onFinished(rec));
    Path scratch = rec.control().scratchDirIfCreated();
    if (scratch != null) vertx.fileSystem().deleteRecursive(scratch.toString());
    if (!rec.removed) retainOnLoop(rec);
    drainOnLoop(lane);
    if (drained != null && runningCountOnLoop() == 0) drained.tryComplete();
  }

  private void stopTimersOnLoop(TaskRecord rec) {
    for (long timer : new long[] {rec.hookTimer, rec.flushTimer, rec.timeoutTimer, rec.graceTimer}) {
      if (timer != -1) vertx.cancelTimer(timer);
    }
    rec.hookTimer = rec.flushTimer = rec.timeoutTimer = rec.graceTimer = -1;
  }

  // ---------------------------------------------------------------- live updates

  /** The worker changed something; publish now, or once the per-task minimum interval is up. */
  private void liveChangeOnLoop(TaskRecord rec) {
    if (rec.status().isTerminal() || rec.flushTimer != -1) return;
    long wait = rec.lastLiveFlushNanos + minEventIntervalNanos - System.nanoTime();
    if (wait <= 0) {
      flushLiveOnLoop(rec);
    } else {
      rec.flushTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), t -> {
        rec.flushTimer = -1;
        flushLiveOnLoop(rec);
      });
    }
  }

  private void flushLiveOnLoop(TaskRecord rec) {
    if (rec.status().isTerminal()) return;
    rec.lastLiveFlushNanos = System.nanoTime();
    if (rec.absorbLiveValues()) publishTaskOnLoop(rec);
  }

  private void publishTaskOnLoop(TaskRecord rec) {
    events.publishTaskOnLoop(rec.id(), Json.encode(taskJsonOnLoop(rec)), rec.status().isTerminal());
  }

  // ---------------------------------------------------------------- retention

  private void retainOnLoop(TaskRecord rec) {
    boolean done = rec.status() == TaskStatus.DONE;
    LinkedHashSet<TaskRecord> kept = done ? retainedDone : retainedFailed;
    int limit = done ? config.retention().done() : config.retention().failed();
    kept.add(rec);
    while (kept.size() > limit) {
      Iterator<TaskRecord> oldest = kept.iterator();
      TaskRecord pruned = oldest.next();
      oldest.remove();
      store.remove(pruned.id());
      events.publishRemovedOnLoop(pruned.id());
      listeners.forEach(l -> l.onRemoved(pruned));
    }
  }

  // ---------------------------------------------------------------- queries

  /** Every task in the store, oldest first. Loop only: the records are live state. */
  public java.util.Collection<TaskRecord> tasksOnLoop() {
    return java.util.Collections.unmodifiableCollection(store.values());
  }

  public TaskRecord findOrNullOnLoop(String id) {
    return store.get(id);
  }

  /** A task's JSON as clients see it; a queued one also says where it stands in line. */
  public ObjectNode taskJsonOnLoop(TaskRecord rec) {
    if (rec.status() != TaskStatus.QUEUED) return rec.toJson(null, null);
    int position = rec.lane.positionOf(rec);
    List<Instant> starts = rec.lane.estimatedStarts(now(), position);
    rec.publishedPosition = position;
    return rec.toJson(position, starts.isEmpty() ? null : starts.get(position - 1));
  }

  /** Must be called on the loop: the record is live state. */
  public TaskRecord findOnLoop(String id) {
    TaskRecord rec = store.get(id);
    if (rec == null) throw new NotFoundException("task " + id + " not found");
    return rec;
  }

  public Future<String> taskJson(String id) {
    return onLoop(() -> Json.encode(taskJsonOnLoop(findOnLoop(id))));
  }

  /** Every task in the store, oldest first, as a JSON array. */
  public Future<String> queueJson() {
    return onLoop(() -> Json.encode(queueArrayOnLoop()));
  }

  public ArrayNode queueArrayOnLoop() {
    // positions and estimates of every waiting task in one pass per lane, not one walk per task
    Map<TaskRecord, Integer> positions = new java.util.IdentityHashMap<>();
    Map<TaskRecord, Instant> starts = new java.util.IdentityHashMap<>();
    Instant now = now();
    for (Lane lane : lanes.values()) {
      List<Instant> estimates = lane.estimatedStarts(now, lane.waiting.size());
      int position = 0;
      for (TaskRecord waiting : lane.waiting) {
        positions.put(waiting, ++position);
        if (!estimates.isEmpty()) starts.put(waiting, estimates.get(position - 1));
      }
    }
    ArrayNode tasks = Json.NODES.arrayNode(store.size());
    for (TaskRecord rec : store.values()) tasks.add(rec.toJson(positions.get(rec), starts.get(rec)));
    return tasks;
  }

  /** Exact-match AND over task fields and parameters; {@code {}} and unknown names match nothing. */
  public Future<List<String>> search(ObjectNode criteria) {
    return onLoop(() -> {
      List<String> ids = new ArrayList<>();
      if (criteria.isEmpty()) return ids;
      for (TaskRecord rec : store.values()) {
        if (matches(rec, criteria)) ids.add(rec.id());
      }
      return ids;
    });
  }

  private static boolean matches(TaskRecord rec, ObjectNode criteria) {
    ObjectNode json = rec.toJson();
    Iterator<Map.Entry<String, JsonNode>> it = criteria.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> c = it.next();
      JsonNode actual = json.has(c.getKey()) ? json.get(c.getKey()) : rec.params().get(c.getKey());
      if (actual == null || !sameValue(actual, c.getValue())) return false;
    }
    return true;
  }

  /** JSON equality where 1 and 1.0 are the same number. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
    return a.equals(b);
  }

  public List<SemaphoreState> semaphoresOnLoop() {
    List<SemaphoreState> out = new ArrayList<>(lanes.size());
    for (Lane lane : lanes.values()) out.add(new SemaphoreState(lane.name, lane.limit, lane.running.size(),
        lane.waiting.size(), lane.abandoned, lane.peakRunning));
    return out;
  }

  public Future<String> semaphoresJson() {
    return onLoop(() -> Json.encode(semaphoresOnLoop()));
  }

  /** Registered types with their parameters: enough for a UI to draw a form. */
  public String taskTypesJson() {
    ArrayNode out = Json.NODES.arrayNode();
    for (TaskType type : registry.all()) {
      ObjectNode o = out.addObject();
      o.put("name", type.name());
      o.put("route", type.route());
      o.put("semaphore", laneNameFor(type.declaredSemaphore()));
      o.put("description", type.description());
      ArrayNode params = o.putArray("params");
      type.params().values().forEach(p -> params.add(p.describe()));
    }
    return Json.encode(out);
  }

  private String laneNameFor(String semaphore) {
    return config.semaphores().containsKey(semaphore) ? semaphore : "default";
  }

  // ---------------------------------------------------------------- cancel and delete

  /** Cancels a queued or running task; it ends {@code cancelled} and stays listed. */
  public Future<TaskStatus> cancel(String id) {
    return onLoop(() -> {
      TaskRecord rec = findOnLoop(id);
      switch (rec.status()) {
        case QUEUED -> {
          withdrawQueuedOnLoop(rec);
          retainOnLoop(rec);
        }
        case RUNNING, CANCELLING -> stopRunningOnLoop(rec, TaskRecord.StopReason.CANCEL);
        default -> throw new ConflictException("task " + id + " is already " + rec.status().wire());
      }
      return rec.status();
    });
  }

  /** Removes a task; a queued one never runs, a running one is cancelled first. */
  public Future<Void> delete(String id) {
    return onLoop(() -> {
      deleteOnLoop(findOnLoop(id));
      return null;
    });
  }

  private void deleteOnLoop(TaskRecord rec) {
    store.remove(rec.id());
    rec.removed = true;
    switch (rec.status()) {
      case QUEUED -> withdrawQueuedOnLoop(rec);
      case RUNNING, CANCELLING -> stopRunningOnLoop(rec, TaskRecord.StopReason.CANCEL);
      default -> {
        retainedDone.remove(rec);
        retainedFailed.remove(rec);
      }
    }
    events.publishRemovedOnLoop(rec.id());
    listeners.forEach(l -> l.onRemoved(rec));
  }

  /** A queued task leaves the line without running; its terminal event ends its streams. */
  private void withdrawQueuedOnLoop(TaskRecord rec) {
    rec.lane.waiting.remove(rec);
    lineMovedOnLoop(rec.lane);
    rec.markCancelled(now());
    publishTaskOnLoop(rec);
    listeners.forEach(l -> l.onFinished(rec));
  }

  /**
   * Cancel and timeout share one path: set the cooperative flag, interrupt the thread, show
   * {@code cancelling}, and if the thread has not left {@code run()} after the grace period,
   * count it as abandoned. It keeps its permit until it leaves, so limits are never exceeded.
   */
  private void stopRunningOnLoop(TaskRecord rec, TaskRecord.StopReason reason) {
    if (reason == TaskRecord.StopReason.TIMEOUT && rec.status() == TaskStatus.RUNNING) {
      rec.captureTimeoutStack(rec.control().workerStackOnLoop()); // before the interrupt moves it
    }
    rec.control().requestCancelOnLoop(); // asking again interrupts once more
    if (rec.status() != TaskStatus.RUNNING) return;
    rec.markCancelling(reason);
    publishTaskOnLoop(rec);
    rec.graceTimer = vertx.setTimer(cancelGraceMillis, t -> {
      rec.graceTimer = -1;
      if (rec.status().isTerminal()) return;
      rec.markAbandoned(cancelGraceMillis);
      rec.lane.abandoned++;
      LOG.warn("task {} ({}) did not leave run() {} ms after being stopped; its thread is abandoned and keeps"
          + " a '{}' permit until it returns", rec.id(), rec.type().name(), cancelGraceMillis, rec.lane.name);
      publishTaskOnLoop(rec);
    });
  }

  /** Removes every done, failed and cancelled task. */
  public Future<Integer> deleteCompleted() {
    return onLoop(() -> {
      List<TaskRecord> finished = new ArrayList<>();
      for (TaskRecord rec : store.values()) {
        if (rec.status().isTerminal()) finished.add(rec);
      }
      finished.forEach(this::deleteOnLoop);
      return finished.size();
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Graceful stop: refuses new tasks at once (submissions fail as {@link #close()} makes them
   * fail), cancels every queued task (they are logged), lets running tasks go on for
   * {@code grace}, then stops them as a cancel does, so they end {@code cancelled}. Completes
   * when no task is running; a task that ignores interrupts keeps it pending, so callers bound
   * the wait.
   */
  public Future<Void> shutdown(Duration grace) {
    return onLoop(() -> {
      if (drained != null) return drained.future();
      closed = true;
      drained = Promise.promise();
      List<TaskRecord> queued = new ArrayList<>();
      lanes.values().forEach(lane -> queued.addAll(lane.waiting));
      int running = runningCountOnLoop();
      LOG.info("shutting down: {} running tasks get {} s to finish; {} queued tasks will not run{}",
          running, grace.toSeconds(), queued.size(), queued.isEmpty() ? "" : ": " + describe(queued));
      for (TaskRecord rec : queued) {
        withdrawQueuedOnLoop(rec);
        retainOnLoop(rec);
      }
      if (running == 0) {
        drained.complete();
      } else {
        long timer = vertx.setTimer(Math.max(1, grace.toMillis()), t -> interruptRunningOnLoop());
        drained.future().onComplete(v -> vertx.cancelTimer(timer));
      }
      return drained.future();
    }).compose(done -> done);
  }

  /** Ids and types for a log line; long lists are cut (each task's own line says the rest). */
  private static String describe(List<TaskRecord> tasks) {
    int shown = Math.min(tasks.size(), 50);
    String listed = String.join(", ", tasks.subList(0, shown).stream().map(t -> t.id() + " (" + t.type().name() + ")").toList());
    return shown == tasks.size() ? listed : listed + " and " + (tasks.size() - shown) + " more";
  }

  private void interruptRunningOnLoop() {
    List<TaskRecord> running = new ArrayList<>();
    lanes.values().forEach(lane -> running.addAll(lane.running));
    running.removeIf(rec -> rec.status() != TaskStatus.RUNNING); // already being stopped
    if (!running.isEmpty()) LOG.warn("grace period over: interrupting {}", describe(running));
    running.forEach(rec -> stopRunningOnLoop(rec, TaskRecord.StopReason.CANCEL));
  }

  private int runningCountOnLoop() {
    int running = 0;
    for (Lane lane : lanes.values()) running += lane.running.size();
    return running;
  }

  /** Test and embedding hook: how many tasks the store holds. */
  public Future<Integer> size() {
    return onLoop(store::size);
  }

  /** Stops accepting tasks and releases worker pools and the scratch folder. */
  public Future<Void> close() {
    return onLoop(() -> {
      closed = true;
      lanes.values().forEach(l -> vertx.cancelTimer(l.positionTimer));
      for (TaskRecord rec : store.values()) {
        stopTimersOnLoop(rec);
        if (!rec.status().isTerminal()) rec.control().requestCancelOnLoop();
      }
      return null;
    }).compose(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      lanes.values().forEach(l -> closing.add(l.pool.close()));
      closing.add(hookPool.close());
      return Future.join(closing);
    }).compose(v -> vertx.fileSystem().deleteRecursive(scratchRoot.toString()))
        .recover(e -> Future.succeededFuture());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
