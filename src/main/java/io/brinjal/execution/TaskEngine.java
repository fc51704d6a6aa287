package io.brinjal.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.loop.Loop;
import io.brinjal.json.Json;
import io.brinjal.store.ClusterStore;
import io.brinjal.store.Finished;
import io.brinjal.store.IdempotencyKey;
import io.brinjal.store.PermitLimits;
import io.brinjal.store.QueuedTask;
import io.brinjal.store.StaleStateException;
import io.brinjal.store.TaskCriteria;
import io.brinjal.store.TaskPage;
import io.brinjal.store.TaskQuery;
import io.brinjal.store.TaskState;
import io.brinjal.store.TaskStore;
import io.brinjal.task.PermanentFailureException;
import io.brinjal.task.RetryBackoff;
import io.brinjal.task.Task;
import io.brinjal.task.TaskControl;
import io.brinjal.task.TaskIds;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks: takes them into the {@link TaskStore}, claims them from it under each semaphore's
 * limit, runs them on worker pools, writes every state they reach back to the store, and
 * announces each change through its {@link TaskPublisher} once it is stored.
 *
 * <p>Its own state (the lanes with their waiting lines and local runs, timers) is event-loop
 * confined: it lives on the loop given at creation and is touched nowhere else, so it needs no
 * locks. Public methods may be called from any thread; they hop to that loop and answer with a
 * {@link Future}. Methods ending in {@code OnLoop} must already be on it. Only
 * {@link Task#run()} and progress hooks leave the loop, on one {@link WorkerExecutor} per
 * semaphore sized to its limit. Task state lives in the store, not here: this engine keeps of a
 * task only what exists where it runs (its {@link LocalRun}) and its rank while it waits.
 */
public final class TaskEngine {
  private static final Logger LOG = LoggerFactory.getLogger(TaskEngine.class);
  private static final long MAX_TASK_RUN_HOURS = 24; // long run() bodies are normal here
  private static final int HOOK_POOL_SIZE = 4;
  private static final long POSITION_UPDATE_MS = 100;
  private static final int PUSHED_POSITIONS = 50;
  /** Progress, heading, body and image reach the store at most this often per task (and at the end). */
  private static final long SAVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int DELETE_BATCH = 1000;
  private static final long STORE_RETRY_MS = 1000;
  private static final long STORE_RETRY_MAX_MS = 30_000;
  private static final int MAX_WARNED_SEMAPHORES = 100;
  /** Latest states of this many recent tasks are kept to answer reads without the store. */
  private static final int RECENT_STATES = 4096;
  /** Scheduled tasks queued per store write when their time comes. */
  private static final int PROMOTE_BATCH = 1000;
  /** The longest the wake-up timer sleeps: the next run_at is read again at least this often. */
  private static final long MAX_WAKE_MS = 60_000;

  private final Vertx vertx;
  private final Loop loop;
  private final BrinjalConfig config;
  private final TaskRegistry registry;
  private final TaskStore store;
  private final TaskPublisher publisher;
  private final Clock clock;
  private final boolean shared; // other nodes write this store too
  private String nodeId; // loop-confined: a node that lost its lease rejoins under a new one
  private final long minEventIntervalNanos;
  private final long cancelGraceMillis;
  private final Path scratchRoot;
  private final WorkerExecutor hookPool;
  private final RetryBackoff serverBackoff;
  private final String poolPrefix;

  // ---- event-loop confined state ----
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  /** The last limits handed to claims (see {@link #permitLimitsOnLoop}). */
  private PermitLimits permitLimits;
  private final Map<String, LocalRun> runs = new HashMap<>();
  private final RecentStates recent;
  private final Set<String> warnedUnknownSemaphores = new HashSet<>();
  private final List<TaskListener> listeners = new ArrayList<>();
  private boolean claimsOpen; // from startClaiming() until shutdown
  private java.util.function.BooleanSupplier claimGuard = () -> true;
  private boolean closed;
  private Promise<Void> drained; // set by shutdown(): completed when no task is running any more
  // scheduled tasks: one timer for the earliest run_at known; the store holds them all
  private long wakeTimer = -1;
  private long wakeAtNanos;
  private boolean promoting;
  private boolean promoteAgain;
  private int poolGeneration; // worker pools made so far: each gets a name of its own
  private java.util.function.Consumer<String> limitChanged = name -> {};

  public TaskEngine(Vertx vertx, Context loop, BrinjalConfig config, TaskRegistry registry, TaskStore store,
      TaskPublisher publisher, Clock clock, String nodeId) {
    this.vertx = vertx;
    this.loop = Loop.of(loop);
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.publisher = publisher;
    this.clock = clock;
    this.nodeId = nodeId;
    this.shared = store instanceof ClusterStore;
    this.minEventIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.streaming().minEventIntervalMs());
    this.cancelGraceMillis = TimeUnit.SECONDS.toMillis(config.execution().cancelGraceSeconds());
    try {
      this.scratchRoot = Files.createTempDirectory("brinjal-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the task scratch folder", e);
    }
    this.poolPrefix = "brinjal-" + Integer.toHexString(System.identityHashCode(this)) + "-";
    config.semaphores().forEach((name, limit) ->
        lanes.put(name, new Lane(name, limit, config.perKeyOf(name), newPool(name, limit))));
    this.hookPool = vertx.createSharedWorkerExecutor(poolPrefix + "hooks", HOOK_POOL_SIZE, 1, TimeUnit.HOURS);
    this.serverBackoff = RetryBackoff.exponential(Duration.ofNanos((long) (config.retry().baseSeconds() * 1e9)),
        Duration.ofNanos((long) (config.retry().maxSeconds() * 1e9)));
    // other nodes change the tasks of a shared store: what this node wrote last may be stale
    this.recent = new RecentStates(shared ? 0 : RECENT_STATES);
  }

  /** A worker pool for a semaphore's runs, of exactly its limit's size (a new name each time: Vert.x shares pools by name). */
  private WorkerExecutor newPool(String semaphore, int size) {
    String name = poolPrefix + semaphore + (poolGeneration++ == 0 ? "" : "-" + poolGeneration);
    return vertx.createSharedWorkerExecutor(name, size, MAX_TASK_RUN_HOURS, TimeUnit.HOURS);
  }

  public TaskRegistry registry() {
    return registry;
  }

  public BrinjalConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public TaskStore store() {
    return store;
  }

  /** The loop that owns the engine's state (and that listeners and the publisher are called on). */
  public Loop loop() {
    return loop;
  }

  /** This node's current name (loop-confined: read it on the engine's loop). */
  public String nodeIdOnLoop() {
    return nodeId;
  }

  /**
   * Asked on the loop before every claim: false keeps this node from taking new tasks (a node
   * that has not renewed its lease for a while may have been taken for dead).
   */
  public void claimGuard(java.util.function.BooleanSupplier guard) {
    this.claimGuard = guard;
  }

  /** Adds a lifecycle observer; call before tasks flow (it is read on the loop without locks). */
  public TaskEngine addListener(TaskListener listener) {
    listeners.add(listener);
    return this;
  }

  // ---------------------------------------------------------------- start

  /**
   * Brings the store's tasks back after a stop: a task that was running (or being cancelled)
   * when the process died ends failed as {@code Interrupted}, unless its type opts in to running
   * again ({@link Task#rerunsAfterInterruption()}) and it was running; queued tasks line up again
   * in their order. Answers the tasks waiting now. Tasks start only after
   * {@link #startClaiming()}.
   */
  public Future<List<QueuedTask>> start() {
    // on a shared store, the others' running tasks are theirs: dead nodes are taken over by lease
    return loop.compose(() -> reloadLimitsOnLoop()
        .compose(v -> shared ? Future.succeededFuture(List.<TaskState>of()) : store.recover(null, this::afterInterruption))
        .compose(recovered -> {
          recoveredOnLoop(recovered);
          return pruneBeyondRetentionOnLoop();
        })
        .compose(v -> store.queued())
        .compose(this::lineUpOnLoop));
  }

  /**
   * What a task that was running on a node that died becomes: failed as {@code Interrupted}, or
   * queued again if its type opts in. Runs on the store's thread: reads only what does not
   * change (the registry, the clock).
   */
  public TaskState afterInterruption(TaskState task) {
    TaskType type = registry.byName(task.taskType()).orElse(null);
    boolean running = task.status() == TaskStatus.RUNNING;
    if (running && type != null && type.rerunsAfterInterruption()) {
      return task.next().status(TaskStatus.QUEUED).owner(null).startedAt(null).cancelRequested(false).build();
    }
    if (running && task.hasAttemptsLeft()) { // an interruption is a failed attempt: the next one comes after the backoff
      String message = "the server stopped while attempt " + task.attempt() + " of " + task.maxAttempts() + " was running";
      return task.next().scheduledAt(now().plus(backoffOf(type).delay(task.attempt()))).owner(null)
          .cancelRequested(false).error("Interrupted", message, null).build();
    }
    String message = "the server stopped while this task was " + (running ? "running" : "being cancelled")
        + (running && type != null ? "; " + type.name() + " does not opt in to running again after an interruption" : "");
    return task.next().status(TaskStatus.FAILED).completedAt(now())
        .error("Interrupted", message, null).body("Task failed: " + message).build();
  }

  private void recoveredOnLoop(List<TaskState> recovered) {
    if (recovered.isEmpty()) return;
    long again = recovered.stream().filter(t -> t.status() == TaskStatus.QUEUED).count();
    long retried = recovered.stream().filter(t -> t.status() == TaskStatus.SCHEDULED).count();
    LOG.warn("{} task(s) were running when the server last stopped: {} failed as Interrupted, {} queued to run again,"
        + " {} scheduled for another attempt", recovered.size(), recovered.size() - again - retried, again, retried);
    for (TaskState t : recovered) {
      if (t.isTerminal()) listeners.forEach(l -> l.onFinished(t));
      else if (t.status() == TaskStatus.SCHEDULED) listeners.forEach(l -> l.onRetrying(t));
    }
  }

  /** The wait before another attempt of a task of {@code type} (the server's unless the type sets its own). */
  private RetryBackoff backoffOf(TaskType type) {
    return type != null && type.retryBackoff() != null ? type.retryBackoff() : serverBackoff;
  }

  /** After a restart that lowered the retention: prune in batches until within it. */
  private Future<Void> pruneBeyondRetentionOnLoop() {
    return store.prune(DELETE_BATCH).compose(pruned -> {
      prunedOnLoop(pruned);
      return pruned.size() < DELETE_BATCH ? Future.succeededFuture() : pruneBeyondRetentionOnLoop();
    });
  }

  private Future<List<QueuedTask>> lineUpOnLoop(List<QueuedTask> queued) {
    List<Future<?>> moved = new ArrayList<>();
    for (QueuedTask q : queued) {
      Lane lane = lanes.get(q.semaphore());
      if (lane != null) {
        lane.enqueue(q);
      } else {
        moved.add(moveToDefaultOnLoop(q)); // its semaphore was removed from the configuration
      }
    }
    if (!queued.isEmpty()) LOG.info("{} queued task(s) in the store", queued.size());
    return Future.join(moved).map(queued);
  }

  private Future<?> moveToDefaultOnLoop(QueuedTask q) {
    warnUnknownSemaphoreOnLoop(q.semaphore());
    return store.get(q.id()).compose(state -> store.update(state.next().semaphore("default").build()))
        .onSuccess(moved -> lanes.get("default").enqueue(QueuedTask.of(moved)));
  }

  /** From now on, waiting tasks are claimed and run. */
  public Future<Void> startClaiming() {
    return loop.call(() -> {
      if (!closed) {
        claimsOpen = true;
        lanes.values().forEach(this::maybeClaimOnLoop);
        promoteDueOnLoop(); // scheduled tasks whose time passed while the server was down run now
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- submission

  /** Binds a task of the type at {@code route} from request input and queues it. */
  public Future<String> submit(String route, ObjectNode body, Map<String, List<String>> query) {
    return submit(route, body, query, JobOptions.DEFAULTS).map(Submitted::taskId);
  }

  /**
   * As above, with the job's options; a run timeout among them may only shorten the type's own.
   * With an idempotency key, a repeat of an earlier create answers its task (replayed).
   */
  public Future<Submitted> submit(String route, ObjectNode body, Map<String, List<String>> query, JobOptions options) {
    return loop.compose(() -> {
      TaskType type = registry.byRoute(route)
          .orElseThrow(() -> new NotFoundException("no task type at /" + route));
      Task task = type.bind(body, query);
      if (options.idempotencyKey() == null) {
        return submitOnLoop(type, task, null, options).map(id -> new Submitted(id, false));
      }
      return submitOnceOnLoop(type, route, task, options);
    });
  }

  /**
   * A create with an idempotency key. The key is looked up first (a read), so a repeat is
   * answered even when the queue is full; the insert then takes the key in the same write as the
   * task, so of two requests racing with one key, one creates and the other gets its task.
   */
  private Future<Submitted> submitOnceOnLoop(TaskType type, String route, Task task, JobOptions options) {
    String key = options.idempotencyKey();
    String fingerprint = route + " " + Json.encode(type.paramsOf(task));
    return store.idempotencyKey(key, now()).compose(earlier -> {
      if (earlier != null) return replay(earlier, fingerprint);
      loop.check();
      if (closed) throw new IllegalStateException("the engine is closed");
      Lane lane = laneFor(task.semaphoreNames().get(0));
      TaskState task0 = newTaskOnLoop(type, task, lane, null, options);
      Instant now = now();
      IdempotencyKey taken = new IdempotencyKey(key, fingerprint, task0.id(),
          now.plusSeconds(config.idempotency().ttlSeconds()));
      return insertOnLoop(lane, task0, () -> store.insertOnce(task0, taken, now)).compose(result -> {
        if (result.inserted() == null) return replay(result.earlier(), fingerprint);
        addedOnLoop(lane, result.inserted());
        return Future.succeededFuture(new Submitted(result.inserted().id(), false));
      });
    });
  }

  /**
   * Stores a new task through {@code insert}. A queued one is admitted against the queue caps
   * first, counts as inserting until the store answers, and has a claim asked right behind its
   * insert (a store that orders writes takes it in the same commit). A scheduled one waits in
   * the store, not in a line: no cap, no claim.
   */
  private <T> Future<T> insertOnLoop(Lane lane, TaskState task0, java.util.function.Supplier<Future<T>> insert) {
    if (task0.status() != TaskStatus.QUEUED) return insert.get();
    admitOnLoop(lane);
    lane.inserting++;
    Future<T> inserted = insert.get().andThen(ar -> lane.inserting--);
    maybeClaimOnLoop(lane);
    return inserted;
  }

  private static Future<Submitted> replay(IdempotencyKey earlier, String fingerprint) {
    if (!earlier.fingerprint().equals(fingerprint)) {
      return Future.failedFuture(new KeyReusedException("Idempotency-Key '" + earlier.key()
          + "' was used with another route or other parameters (it answers task " + earlier.taskId() + ")"));
    }
    return Future.succeededFuture(new Submitted(earlier.taskId(), true));
  }

  /**
   * Queues a task built by code (its parameters are what is stored: the task is built afresh from
   * them where it runs).
   */
  public Future<String> submit(Task task, String parentId) {
    return loop.compose(() -> {
      TaskType type = registry.all().stream().filter(t -> t.javaType() == task.getClass()).findFirst()
          .orElseThrow(() -> new NotFoundException(task.getClass().getSimpleName() + " is not registered"));
      return submitOnLoop(type, task, parentId, JobOptions.DEFAULTS);
    });
  }

  /** Queues a bound task; for code already on the loop (recurring schedules), with their options. */
  public Future<String> submitOnLoop(TaskType type, Task task, String parentId, JobOptions options) {
    loop.check();
    if (closed) throw new IllegalStateException("the engine is closed");
    Lane lane = laneFor(task.semaphoreNames().get(0));
    TaskState task0 = newTaskOnLoop(type, task, lane, parentId, options);
    return insertOnLoop(lane, task0, () -> store.insert(task0)).map(stored -> {
      addedOnLoop(lane, stored);
      return stored.id();
    });
  }

  private TaskState newTaskOnLoop(TaskType type, Task task, Lane lane, String parentId, JobOptions options) {
    Duration timeout = shorter(task.runTimeout(), options.runTimeout());
    Instant now = now();
    return TaskState.newTask(TaskIds.next(), type.name(), lane.name, type.paramsOf(task), now)
        .extraSemaphores(extraSemaphoresOf(task, lane)).concurrencyKey(concurrencyKeyOf(task))
        .parentId(parentId).runTimeoutMillis(timeout == null ? null : Math.max(1, timeout.toMillis()))
        .priority(options.priority()).scheduledAt(options.queuesAt(now))
        .maxAttempts(options.maxAttempts() != null ? options.maxAttempts() : type.maxAttempts()).build();
  }

  /** The semaphores a task takes besides its lane's: configured names (others fall back to default), once each. */
  private List<String> extraSemaphoresOf(Task task, Lane lane) {
    List<String> names = task.semaphoreNames();
    if (names.size() <= 1) return List.of();
    java.util.LinkedHashSet<String> extra = new java.util.LinkedHashSet<>();
    for (String name : names) {
      String semaphore = laneFor(name).name;
      if (!semaphore.equals(lane.name)) extra.add(semaphore);
    }
    return List.copyOf(extra);
  }

  /** The most characters a concurrency key may have. */
  public static final int MAX_KEY_LENGTH = 200;

  private static String concurrencyKeyOf(Task task) {
    String key = task.concurrencyKey();
    if (key == null || key.isEmpty()) return null;
    if (key.length() > MAX_KEY_LENGTH) {
      throw new io.brinjal.task.InvalidParameterException("concurrency key",
          "must be at most " + MAX_KEY_LENGTH + " characters, got " + key.length());
    }
    return key;
  }

  private void addedOnLoop(Lane lane, TaskState stored) {
    recent.remember(stored);
    if (stored.status() == TaskStatus.QUEUED) lane.enqueue(QueuedTask.of(stored));
    publisher.added(viewOnLoop(stored));
    listeners.forEach(l -> l.onSubmitted(stored));
    if (stored.status() == TaskStatus.SCHEDULED) wakeAtOnLoop(stored.runAt());
    else maybeClaimOnLoop(lane);
  }

  // ---------------------------------------------------------------- scheduled tasks

  /**
   * Makes sure the wake-up timer fires by {@code at} (a scheduled task's run_at). One timer
   * serves every scheduled task: it is set for the earliest run_at this node knows of, and each
   * promotion reads the next one from the store, so a hundred thousand scheduled tasks cost
   * nothing here. It never sleeps longer than {@value #MAX_WAKE_MS} ms (or the cluster's poll
   * interval on a shared store), so clock changes and other nodes' tasks are picked up too.
   */
  private void wakeAtOnLoop(Instant at) {
    if (closed) return;
    long cap = shared ? Math.min(MAX_WAKE_MS, config.cluster().pollMs()) : MAX_WAKE_MS;
    long delay = at == null ? cap : Math.min(cap, Math.max(1, Duration.between(clock.instant(), at).toMillis() + 1));
    long fireAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay); // monotonic: immune to clock changes
    if (wakeTimer != -1) {
      if (fireAtNanos - wakeAtNanos >= 0) return;
      vertx.cancelTimer(wakeTimer);
    }
    wakeAtNanos = fireAtNanos;
    wakeTimer = vertx.setTimer(delay, t -> {
      wakeTimer = -1;
      promoteDueOnLoop();
    });
  }

  /** Queues the scheduled tasks whose time has come, in batches, then sleeps until the next one. */
  private void promoteDueOnLoop() {
    if (closed) return;
    if (promoting) {
      promoteAgain = true;
      return;
    }
    promoting = true;
    promoteAgain = false;
    store.promoteDue(now(), PROMOTE_BATCH).onComplete(ar -> {
      promoting = false;
      if (ar.failed()) {
        LOG.warn("could not queue the scheduled tasks that are due ({}); trying again in {} ms", ar.cause().getMessage(),
            STORE_RETRY_MS);
        wakeAtOnLoop(clock.instant().plusMillis(STORE_RETRY_MS));
        return;
      }
      ar.result().forEach(this::promotedOnLoop);
      if (ar.result().size() == PROMOTE_BATCH || promoteAgain) {
        promoteDueOnLoop(); // a full batch: more may be due
        return;
      }
      // the next one's time; a timer already set sooner stays (wakeAtOnLoop keeps the earliest)
      store.nextRunAt().onComplete(next -> wakeAtOnLoop(next.succeeded() ? next.result()
          : clock.instant().plusMillis(STORE_RETRY_MS)));
    });
  }

  /** A scheduled task's time came: it lines up like a new one. */
  private void promotedOnLoop(TaskState queued) {
    recent.remember(queued);
    Lane lane = lanes.get(queued.semaphore());
    if (lane != null) enqueueOnLoop(lane, QueuedTask.of(queued));
    else moveToDefaultOnLoop(QueuedTask.of(queued)).onSuccess(v -> maybeClaimOnLoop(lanes.get("default")));
    publisher.changed(viewOnLoop(queued));
  }

  private static Duration shorter(Duration a, Duration b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * A task that would have to wait is refused when the line is full, so the queue stays within
   * what the operator allowed and nothing accepted is ever dropped later. One that can start at
   * once is always taken.
   */
  private void admitOnLoop(Lane lane) {
    if (lane.freePermits() > 0 && lane.waiting() + lane.inserting == 0) return;
    var limits = config.limits();
    int queued = 0;
    for (Lane l : lanes.values()) queued += l.waiting() + l.inserting;
    int laneQueued = lane.waiting() + lane.inserting;
    boolean totalFull = limits.maxQueued() > 0 && queued >= limits.maxQueued();
    boolean laneFull = limits.maxQueuedPerSemaphore() > 0 && laneQueued >= limits.maxQueuedPerSemaphore();
    if (totalFull || laneFull) {
      throw new TooBusyException(totalFull ? queued + " tasks are queued (limits.max_queued)"
          : laneQueued + " tasks wait for semaphore '" + lane.name + "' (limits.max_queued_per_semaphore)",
          lane.retryAfterSeconds());
    }
  }

  /** The semaphore a task declaring {@code declared} runs under: a name not configured falls back to {@code default}. */
  public String semaphoreFor(String declared) {
    return declared != null && config.semaphores().containsKey(declared) ? declared : "default";
  }

  private Lane laneFor(String semaphore) {
    Lane lane = semaphore == null ? null : lanes.get(semaphore);
    if (lane != null) return lane;
    warnUnknownSemaphoreOnLoop(semaphore);
    return lanes.get("default");
  }

  private void warnUnknownSemaphoreOnLoop(String semaphore) {
    // bounded: made-up names must not grow this set (or the log) without end
    if (warnedUnknownSemaphores.size() < MAX_WARNED_SEMAPHORES && warnedUnknownSemaphores.add(String.valueOf(semaphore))) {
      LOG.warn("unknown semaphore '{}': such tasks run under 'default'", semaphore);
    }
  }

  // ---------------------------------------------------------------- claims and runs

  /**
   * Asks the store for waiting tasks while this node has free permits. One claim per lane at a
   * time; whatever wanted another meanwhile asks again when it returns.
   */
  private void maybeClaimOnLoop(Lane lane) {
    if (!claimsOpen) return;
    if (lane.claiming) {
      lane.claimAgain = true;
      return;
    }
    if (lane.claimablePermits() <= 0 || lane.waiting() + lane.inserting == 0) return;
    lane.claimAgain = false;
    forceClaimOnLoop(lane);
  }

  private void forceClaimOnLoop(Lane lane) {
    if (!claimGuard.getAsBoolean()) return; // a node unsure of its lease takes nothing new
    int free = lane.claimablePermits();
    lane.claiming = true;
    store.claim(lane.name, permitLimitsOnLoop(), free, nodeId, now()).onComplete(ar -> {
      lane.claiming = false;
      if (ar.failed()) {
        LOG.warn("could not claim tasks of semaphore '{}' from the store ({}); trying again in {} ms", lane.name,
            ar.cause().getMessage(), STORE_RETRY_MS);
        if (lane.claimRetryTimer == -1) {
          lane.claimRetryTimer = vertx.setTimer(STORE_RETRY_MS, t -> {
            lane.claimRetryTimer = -1;
            maybeClaimOnLoop(lane);
          });
        }
        return;
      }
      List<TaskState> claimed = ar.result();
      for (TaskState task : claimed) {
        lane.dequeue(task.id());
        startOnLoop(lane, task);
      }
      // fewer than it could while tasks still wait: other semaphores or per-key limits hold them
      // back, so any permit freed anywhere may let them start
      lane.heldBack = claimed.size() < free && lane.waiting() > 0;
      if (!claimed.isEmpty()) lineMovedOnLoop(lane);
      if (lane.claimAgain || claimed.size() == free) maybeClaimOnLoop(lane);
    });
  }

  /**
   * What a claim must respect: every semaphore's limit and per-key limit now, and whether any
   * waiting task takes several semaphores. Rebuilt only when one of those changed.
   */
  private PermitLimits permitLimitsOnLoop() {
    boolean several = false;
    for (Lane l : lanes.values()) several |= l.hasSeveralWaiting();
    PermitLimits cached = permitLimits;
    if (cached != null && cached.severalSemaphores() == several && limitsMatch(cached)) return cached;
    Map<String, Integer> limits = new HashMap<>();
    Map<String, Integer> perKey = new HashMap<>();
    for (Lane l : lanes.values()) {
      limits.put(l.name, l.limit);
      if (l.perKey > 0) perKey.put(l.name, l.perKey);
    }
    permitLimits = new PermitLimits(Map.copyOf(limits), Map.copyOf(perKey), several);
    return permitLimits;
  }

  private boolean limitsMatch(PermitLimits cached) {
    for (Lane l : lanes.values()) {
      if (cached.limitOf(l.name) != l.limit || cached.perKeyOf(l.name) != l.perKey) return false;
    }
    return true;
  }

  private void startOnLoop(Lane lane, TaskState claimed) {
    TaskType type = registry.byName(claimed.taskType()).orElse(null);
    LocalRun[] self = new LocalRun[1];
    TaskControl control = new TaskControl(claimed.id(),
        () -> loop.context().runOnContext(v -> liveChangeOnLoop(self[0])), () -> scratchRoot);
    LocalRun run = new LocalRun(claimed, type, lane, control);
    self[0] = run;
    lane.running.add(run);
    for (String other : claimed.extraSemaphores()) {
      Lane extra = lanes.get(other);
      if (extra == null || extra == lane) continue;
      extra.heldByOthers++;
      run.extraLanes.add(extra);
    }
    lane.peakRunning = Math.max(lane.peakRunning, lane.busy());
    runs.put(run.id(), run);
    LOG.debug("semaphore {} acquired by {} ({}/{})", lane.name, run.id(), lane.running.size(), lane.limit);
    publisher.changed(TaskView.of(run.current()));
    listeners.forEach(l -> l.onStarted(claimed));
    Task task;
    try {
      if (type == null) throw new IllegalStateException("task type " + claimed.taskType() + " is not registered on this server");
      task = type.bind(claimed.params(), Map.of()); // built afresh from what was stored, wherever it runs
    } catch (RuntimeException | LinkageError e) {
      finishOnLoop(run, e);
      return;
    }
    Task.Access.attach(task, control);
    run.task = task;
    if (type.hasProgressHook()) pollHookOnLoop(run);
    Long timeoutMillis = claimed.runTimeoutMillis();
    if (timeoutMillis != null) {
      run.timeoutTimer = vertx.setTimer(Math.max(1, timeoutMillis), t -> {
        run.timeoutTimer = -1;
        stopRunningOnLoop(run, LocalRun.StopReason.TIMEOUT);
      });
    }
    WorkerExecutor pool = lane.enterPool(); // the pool of the limit now: a resize replaces it, this run stays
    pool
        .executeBlocking(() -> runOnWorker(task, control), false) // false: a lane must not serialise
        // always a turn of its own: a run that ended before this listener was attached would
        // otherwise end inline, and with a store that answers at once, end -> claim -> start ->
        // end would recurse task after task on one stack
        .onComplete(ar -> loop.context().runOnContext(v -> {
          lane.leavePool(pool);
          finishOnLoop(run, ar.cause());
        }));
  }

  /** Worker thread: the only place user work runs. */
  private static Void runOnWorker(Task task, TaskControl control) throws Exception {
    Thread worker = Thread.currentThread();
    ClassLoader pools = worker.getContextClassLoader();
    // a plugin's task sees its own jar through the context loader too (ServiceLoader, JDBC drivers, …)
    worker.setContextClassLoader(task.getClass().getClassLoader());
    try {
      if (control.enterOnWorker()) Task.Access.run(task);
      return null;
    } finally {
      worker.setContextClassLoader(pools);
      control.leaveOnWorker();
    }
  }

  private void pollHookOnLoop(LocalRun run) {
    long interval = Math.max(1, run.task.updateInterval().toMillis());
    run.hookTimer = vertx.setPeriodic(interval, t -> {
      if (run.hookInFlight) return; // a slow hook is never stacked up
      run.hookInFlight = true;
      hookPool.executeBlocking(() -> {
        Task.Access.progressHook(run.task);
        return null;
      }, false).onComplete(ar -> {
        run.hookInFlight = false;
        if (ar.failed()) LOG.debug("progress hook of {} failed: {}", run.id(), ar.cause().toString());
      });
    });
  }

  /** The worker left run() (or the task could not even be built): its end, as the task decided. */
  private void finishOnLoop(LocalRun run, Throwable failure) {
    stopTimersOnLoop(run);
    run.control.closeOnLoop();
    run.absorbLiveValues();
    if (run.isAbandoned()) run.lane.abandoned--;
    Instant now = now();
    UnaryOperator<TaskState.Builder> end;
    if (run.stopReason() == LocalRun.StopReason.TIMEOUT) end = b -> run.timedOut(b, now);
    else if (run.control.isCancelRequested()) end = b -> run.cancelled(b, now);
    else if (failure != null) end = b -> LocalRun.failed(b, now, failure, run.current().body());
    else if (run.failedReasonFromTask() != null) end = b -> LocalRun.failedByTask(b, now, run.failedReasonFromTask());
    else end = b -> LocalRun.done(b, now);
    boolean failed = run.stopReason() == LocalRun.StopReason.TIMEOUT
        || (!run.control.isCancelRequested() && (failure != null || run.failedReasonFromTask() != null));
    if (run.stoppedByShutdown && run.state().hasAttemptsLeft() && store.durable() && !run.removed) {
      // a deploy is not the task's failure, but it did cost an attempt: the next one runs after the restart
      String message = "the server stopped during attempt " + run.state().attempt() + " of " + run.state().maxAttempts();
      end = b -> b.status(TaskStatus.FAILED).error("Interrupted", message, null);
      failed = true;
    }
    if (failed && run.state().hasAttemptsLeft() && !PermanentFailureException.isIn(failure)) {
      // a failed attempt with attempts left: scheduled again after the backoff, showing this failure meanwhile
      Instant next = now.plus(backoffOf(run.type).delay(run.state().attempt()));
      UnaryOperator<TaskState.Builder> failedAttempt = end;
      end = b -> failedAttempt.apply(b).completedAt(null).owner(null).scheduledAt(next);
    }
    writeEndOnLoop(run, end, STORE_RETRY_MS);
  }

  /**
   * The terminal state is on disk before anyone hears of it. While the store cannot take it, the
   * task keeps its permit (so no limit is ever exceeded on this account) and the write is retried.
   */
  private void writeEndOnLoop(LocalRun run, UnaryOperator<TaskState.Builder> end, long retryMillis) {
    if (!run.finishing) { // its thread is free: a claim may count on the permit once the end is written
      run.finishing = true;
      run.lane.finishing++;
    }
    if (run.fenced) {
      releasedQuietlyOnLoop(run); // the node that took it over decided its end
      return;
    }
    if (run.removed) {
      endedOnLoop(run, end.apply(run.current().next()).build(), List.of()); // deleted: nothing to store
      return;
    }
    Future<Finished> written = run.write(end, this::storeEnd, Finished::task);
    maybeClaimOnLoop(run.lane); // asked right behind the end: a store that orders writes sees the permit free
    written.onComplete(ar -> {
      if (ar.succeeded()) {
        endedOnLoop(run, ar.result().task(), ar.result().pruned());
      } else if (ar.cause() instanceof StaleStateException stale && run.isStillMine(stale.current(), nodeId)) {
        run.adopt(stale.current()); // a cancel was asked for elsewhere meanwhile: end from the newer version
        writeEndOnLoop(run, end, retryMillis);
      } else if (ar.cause() instanceof StaleStateException stale && stale.current() != null) {
        fenceOnLoop(run);
        releasedQuietlyOnLoop(run);
      } else if (ar.cause() instanceof StaleStateException) {
        endedOnLoop(run, end.apply(run.current().next()).build(), List.of()); // deleted while it ran
      } else if (closed && drained == null) {
        LOG.warn("task {} ended, but the store could not record it before the server closed: {}", run.id(),
            ar.cause().getMessage());
      } else {
        LOG.warn("task {} ended, but the store could not record it ({}); retrying in {} ms, its '{}' permit stays taken",
            run.id(), ar.cause().getMessage(), retryMillis, run.lane.name);
        vertx.setTimer(retryMillis, t -> writeEndOnLoop(run, end, Math.min(retryMillis * 2, STORE_RETRY_MAX_MS)));
      }
    });
  }

  /** A run's end as the store takes it: a terminal state, or scheduled again for another attempt. */
  private Future<Finished> storeEnd(TaskState end) {
    return end.isTerminal() ? store.finish(end) : store.update(end).map(retry -> new Finished(retry, List.of()));
  }

  /** {@code terminal} is the run's end: terminal, or scheduled for another attempt. */
  private void endedOnLoop(LocalRun run, TaskState terminal, List<String> pruned) {
    Lane lane = run.lane;
    freePermitOnLoop(run);
    LOG.debug("semaphore {} released by {} ({}/{})", lane.name, run.id(), lane.running.size(), lane.limit);
    if (terminal.status() != TaskStatus.CANCELLED && terminal.runTime() != null) lane.recordRunTime(terminal.runTime());
    if (run.removed) recent.forget(terminal.id());
    else recent.remember(terminal);
    publisher.changed(TaskView.of(terminal));
    if (terminal.status() == TaskStatus.SCHEDULED && !run.removed) {
      LOG.info("task {} ({}) failed attempt {} of {} ({}); attempt {} at {}", terminal.id(), terminal.taskType(),
          terminal.attempt(), terminal.maxAttempts(), terminal.errorType(), terminal.attempt() + 1, terminal.runAt());
      listeners.forEach(l -> l.onRetrying(terminal));
      wakeAtOnLoop(terminal.runAt());
    } else {
      listeners.forEach(l -> l.onFinished(terminal));
    }
    prunedOnLoop(pruned);
    afterRunOnLoop(run);
  }

  /** A fenced run's thread left: its permit is free here; the cluster already has its end. */
  private void releasedQuietlyOnLoop(LocalRun run) {
    freePermitOnLoop(run);
    afterRunOnLoop(run);
  }

  private void freePermitOnLoop(LocalRun run) {
    run.lane.running.remove(run);
    run.lane.finishing--;
    for (Lane extra : run.extraLanes) extra.heldByOthers--;
    runs.remove(run.id());
  }

  /** What follows a run's end: its scratch folder goes, the freed permits are offered, a drain may complete. */
  private void afterRunOnLoop(LocalRun run) {
    Path scratch = run.control.scratchDirIfCreated();
    if (scratch != null) vertx.fileSystem().deleteRecursive(scratch.toString());
    maybeClaimOnLoop(run.lane);
    run.extraLanes.forEach(this::maybeClaimOnLoop);
    offerToHeldBackOnLoop();
    if (drained != null && runs.isEmpty()) drained.tryComplete();
  }

  /** A permit came free: lines whose tasks waited for other semaphores or their key's turn try again. */
  private void offerToHeldBackOnLoop() {
    for (Lane l : lanes.values()) {
      if (l.heldBack) maybeClaimOnLoop(l);
    }
  }

  private void prunedOnLoop(List<String> pruned) {
    for (String id : pruned) {
      recent.forget(id);
      publisher.removed(id);
      listeners.forEach(l -> l.onRemoved(id));
    }
  }

  private void stopTimersOnLoop(LocalRun run) {
    for (long timer : new long[] {run.hookTimer, run.flushTimer, run.timeoutTimer, run.graceTimer, run.saveTimer}) {
      if (timer != -1) vertx.cancelTimer(timer);
    }
    run.hookTimer = run.flushTimer = run.timeoutTimer = run.graceTimer = run.saveTimer = -1;
  }

  private boolean isActive(LocalRun run) {
    return run != null && runs.get(run.id()) == run && !run.fenced;
  }

  // ---------------------------------------------------------------- live updates

  /** The worker changed something; publish now, or once the per-task minimum interval is up. */
  private void liveChangeOnLoop(LocalRun run) {
    if (!isActive(run) || run.flushTimer != -1) return;
    if (run.flushBudget == null) run.flushBudget = new FlushBudget(minEventIntervalNanos, System.nanoTime());
    long wait = run.flushBudget.takeOrWait(System.nanoTime());
    if (wait == 0) {
      flushLiveOnLoop(run);
    } else {
      long millis = Math.max(1, (wait + 999_999) / 1_000_000); // rounded up: the budget has a flush again by then
      run.flushTimer = vertx.setTimer(millis, t -> {
        run.flushTimer = -1;
        liveChangeOnLoop(run);
      });
    }
  }

  private void flushLiveOnLoop(LocalRun run) {
    if (!isActive(run)) return;
    if (run.absorbLiveValues()) {
      publisher.progressed(TaskView.of(run.current()));
      saveSoonOnLoop(run);
    }
  }

  /** Live values reach the store coalesced: at most once per second per task, and always at the end. */
  private void saveSoonOnLoop(LocalRun run) {
    if (run.saveTimer != -1) return;
    long wait = run.lastSaveNanos + SAVE_INTERVAL_NANOS - System.nanoTime();
    if (wait <= 0) {
      saveOnLoop(run);
    } else {
      run.saveTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), t -> {
        run.saveTimer = -1;
        saveOnLoop(run);
      });
    }
  }

  private void saveOnLoop(LocalRun run) {
    if (!isActive(run) || run.removed || run.fenced) return;
    run.lastSaveNanos = System.nanoTime();
    run.write(b -> b, store::update, s -> s).onFailure(e -> {
      if (e instanceof StaleStateException stale && isActive(run)) staleRunOnLoop(run, stale.current());
      else LOG.debug("live state of task {} not saved yet: {}", run.id(), e.getMessage());
    });
  }

  /**
   * A write of a run met a newer version. Still this node's run (someone asked for a cancel on
   * another node): go on from it and honour the cancel. Deleted: as a local delete. Anything else:
   * another node took it over (this node's lease ran out), so it is not this node's any more.
   */
  private void staleRunOnLoop(LocalRun run, TaskState current) {
    if (current == null) {
      run.removed = true;
      stopRunningOnLoop(run, LocalRun.StopReason.CANCEL);
    } else if (run.isStillMine(current, nodeId)) {
      run.adopt(current);
      if (current.cancelRequested()) stopRunningOnLoop(run, LocalRun.StopReason.CANCEL);
    } else {
      fenceOnLoop(run);
    }
  }

  /** The task is another node's now: interrupt the thread, write and announce nothing more of it. */
  private void fenceOnLoop(LocalRun run) {
    if (run.fenced) return;
    run.fenced = true;
    LOG.warn("task {} ({}) is no longer this node's: another node took it over; interrupting its thread", run.id(),
        run.state().taskType());
    run.control.requestCancelOnLoop();
  }

  // ---------------------------------------------------------------- reads

  /** A task as clients see it now: a running one with its latest live values. */
  public Future<TaskView> view(String id) {
    return loop.compose(() -> {
      LocalRun run = runs.get(id);
      if (run != null) return Future.succeededFuture(TaskView.of(run.current()));
      TaskState known = recent.get(id);
      if (known != null) return Future.succeededFuture(viewOnLoop(known));
      return store.get(id).map(state -> {
        if (state == null) throw new NotFoundException("task " + id + " not found");
        return viewOnLoop(state);
      });
    });
  }

  /** A page of the task list, oldest first, each task as {@link #view} shows it. */
  public Future<ViewPage> page(TaskQuery query) {
    return loop.compose(() -> store.list(query).map(this::viewsOnLoop));
  }

  private ViewPage viewsOnLoop(TaskPage page) {
    List<TaskView> views = new ArrayList<>(page.tasks().size());
    for (TaskState t : page.tasks()) views.add(viewOnLoop(t));
    return new ViewPage(views, page.more(), page.lastSeq());
  }

  /** A page of views, and whether more follow after {@code lastSeq}. */
  public record ViewPage(List<TaskView> tasks, boolean more, long lastSeq) {}

  private TaskView viewOnLoop(TaskState state) {
    LocalRun run = runs.get(state.id());
    if (run != null) return TaskView.of(run.current());
    if (state.status() != TaskStatus.QUEUED) return TaskView.of(state);
    Lane lane = lanes.get(state.semaphore());
    Integer position = lane == null ? null : lane.positionOf(state.id());
    if (position == null) return TaskView.of(state);
    if (position <= PUSHED_POSITIONS) lane.publishedPositions.put(state.id(), position);
    return new TaskView(state, position, lane.estimatedStart(now(), position));
  }

  /** Exact-match AND over task fields and parameters; {@code {}} and unknown names match nothing. */
  public Future<List<String>> search(ObjectNode criteria) {
    return store.search(TaskCriteria.of(criteria));
  }

  /** Each semaphore's limit, running, waiting and abandoned counts as this node sees them. */
  public Future<List<SemaphoreState>> semaphores() {
    if (!shared) return loop.call(() -> semaphoresOnLoop(null));
    return ((ClusterStore) store).semaphoreCounts().compose(counts -> loop.call(() -> semaphoresOnLoop(counts)));
  }

  /** With {@code cluster} counts (a shared store), running and waiting are the cluster's. */
  private List<SemaphoreState> semaphoresOnLoop(Map<String, ClusterStore.SemaphoreCount> cluster) {
    List<SemaphoreState> out = new ArrayList<>(lanes.size());
    for (Lane lane : lanes.values()) {
      ClusterStore.SemaphoreCount c = cluster == null ? null : cluster.getOrDefault(lane.name, new ClusterStore.SemaphoreCount(0, 0));
      int holdingHere = lane.running.size() + lane.heldByOthers;
      out.add(new SemaphoreState(lane.name, lane.limit, lane.configuredLimit, c == null ? holdingHere : c.running(),
          c == null ? lane.waiting() : c.waiting(), holdingHere, lane.abandoned, lane.peakRunning, lane.perKey,
          lane.configuredPerKey, busiestKeysOnLoop(lane)));
    }
    return out;
  }

  /** The keys of the local runs holding a permit of the lane's semaphore, most runs first. */
  private List<SemaphoreState.KeyCount> busiestKeysOnLoop(Lane lane) {
    Map<String, Integer> byKey = new HashMap<>();
    for (LocalRun run : runs.values()) {
      String key = run.state().concurrencyKey();
      if (key != null && (run.lane == lane || run.extraLanes.contains(lane))) byKey.merge(key, 1, Integer::sum);
    }
    return byKey.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(SemaphoreState.BUSIEST_KEYS).map(e -> new SemaphoreState.KeyCount(e.getKey(), e.getValue())).toList();
  }

  // ---------------------------------------------------------------- limits changed at run time

  /** Whether a semaphore of this name is configured. */
  public boolean hasSemaphore(String name) {
    return config.semaphores().containsKey(name);
  }

  /** Told (on the loop) the name of a semaphore whose limit this node changed: other nodes read it again. */
  public void onLimitChanged(java.util.function.Consumer<String> hook) {
    this.limitChanged = hook;
  }

  /**
   * Changes a semaphore's limit now and keeps it in the store (it outlives restarts; with a
   * shared store, every node's claims count against it from the moment it is stored). Growing
   * starts waiting tasks at once; shrinking lets running tasks finish and starts none until fewer
   * than the new limit run. The limit applies here before the store has it, so no claim asked
   * after this call uses the old one; if the store refuses it, the old limit comes back. Setting
   * the configured limit forgets the change (a later change of the configuration applies then).
   * Answers the semaphore's new state.
   */
  public Future<SemaphoreState> resize(String name, int limit) {
    if (limit < 1) return Future.failedFuture(new IllegalArgumentException("a limit is at least 1"));
    return changeSetting(name, new SemaphoreSetting() {
      public int get(Lane lane) { return lane.limit; }
      public int configured(Lane lane) { return lane.configuredLimit; }
      public void apply(Lane lane, int value, String why) { applyLimitOnLoop(lane, value, why); }
      public Future<Void> keep(String semaphore, Integer value) { return store.putSemaphoreLimit(semaphore, value); }
    }, limit);
  }

  /**
   * Changes a semaphore's per-key limit now (0: none) and keeps it in the store, as
   * {@link #resize} keeps a limit. Lowering it lets running tasks finish; raising it starts
   * waiting tasks at once. Answers the semaphore's new state.
   */
  public Future<SemaphoreState> changePerKey(String name, int perKey) {
    if (perKey < 0) return Future.failedFuture(new IllegalArgumentException("a per-key limit is at least 0"));
    return changeSetting(name, new SemaphoreSetting() {
      public int get(Lane lane) { return lane.perKey; }
      public int configured(Lane lane) { return lane.configuredPerKey; }
      public void apply(Lane lane, int value, String why) { applyPerKeyOnLoop(lane, value, why); }
      public Future<Void> keep(String semaphore, Integer value) { return store.putSemaphorePerKey(semaphore, value); }
    }, perKey);
  }

  /** A semaphore's limit or per-key limit: what {@link #changeSetting} changes. */
  private interface SemaphoreSetting {
    int get(Lane lane);

    int configured(Lane lane);

    void apply(Lane lane, int value, String why);

    /** Into the store; null forgets a change (the configured value applies again). */
    Future<Void> keep(String semaphore, Integer value);
  }

  /**
   * Applies a setting here before the store has it (no claim asked after this call uses the old
   * value), keeps it (the configured value forgets the change), brings the old one back if the
   * store refuses it, tells the other nodes, and answers the semaphore's new state.
   */
  private Future<SemaphoreState> changeSetting(String name, SemaphoreSetting setting, int value) {
    return loop.compose(() -> {
      Lane lane = lanes.get(name);
      if (lane == null) throw new NotFoundException("no semaphore named '" + name + "'");
      int before = setting.get(lane);
      lane.limitChanges++; // a reload that read the store before this write must not undo it
      lane.limitWrites++;
      setting.apply(lane, value, "changed through the API");
      return setting.keep(name, value == setting.configured(lane) ? null : value)
          .andThen(ar -> lane.limitWrites--)
          .recover(e -> {
            if (setting.get(lane) == value) setting.apply(lane, before, "back: the store could not keep the new one");
            return Future.failedFuture(e);
          })
          .compose(v -> {
            limitChanged.accept(name);
            return semaphores();
          })
          .map(all -> all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow());
    });
  }

  private void applyPerKeyOnLoop(Lane lane, int perKey, String why) {
    if (lane.perKey == perKey) return;
    LOG.info("semaphore '{}': per-key limit {} -> {} ({}; configured {})", lane.name, lane.perKey, perKey, why,
        lane.configuredPerKey);
    lane.perKey = perKey;
    maybeClaimOnLoop(lane);
  }

  /** Reads every semaphore's limit from the store again (at start, and when another node changed one). */
  public Future<Void> reloadLimitsOnLoop() {
    loop.check();
    List<Future<Void>> all = new ArrayList<>();
    for (Lane lane : lanes.values()) all.add(reloadLimitOnLoop(lane.name));
    return Future.all(all).mapEmpty();
  }

  /** Reads one semaphore's limit from the store again (another node changed it); unknown names are ignored. */
  public Future<Void> reloadLimitOnLoop(String name) {
    loop.check();
    Lane lane = lanes.get(name);
    if (lane == null) return Future.succeededFuture();
    long changesBefore = lane.limitChanges;
    boolean writing = lane.limitWrites > 0;
    Future<Integer> perKey = store.semaphorePerKey(name);
    return store.semaphoreLimit(name).compose(stored -> perKey.map(storedPerKey -> {
      // changed here meanwhile, or a change of this node not yet stored: what this node did is newer
      if (writing || lane.limitWrites > 0 || lane.limitChanges != changesBefore) return null;
      int limit = stored == null ? lane.configuredLimit : stored;
      applyLimitOnLoop(lane, Math.max(1, limit), stored == null ? "as configured" : "as kept in the store");
      applyPerKeyOnLoop(lane, storedPerKey == null ? lane.configuredPerKey : Math.max(0, storedPerKey),
          storedPerKey == null ? "as configured" : "as kept in the store");
      return null;
    }));
  }

  private void applyLimitOnLoop(Lane lane, int limit, String why) {
    if (lane.limit == limit) return;
    LOG.info("semaphore '{}': limit {} -> {} ({}; configured {})", lane.name, lane.limit, limit, why, lane.configuredLimit);
    lane.limit = limit;
    lane.replacePool(newPool(lane.name, limit));
    maybeClaimOnLoop(lane); // growing: waiting tasks start at once
    lineMovedOnLoop(lane); // estimates moved
  }

  /** Tasks in the store, by status. */
  public Future<Map<TaskStatus, Long>> countByStatus() {
    return store.countByStatus();
  }

  /**
   * Tasks waiting behind moved up. Their new positions are pushed at most every
   * {@value #POSITION_UPDATE_MS} ms and only for the front of the line, so a fast-moving
   * queue of thousands costs a bounded number of events.
   */
  private void lineMovedOnLoop(Lane lane) {
    if (lane.positionTimer != -1 || lane.waiting() == 0) return;
    lane.positionTimer = vertx.setTimer(POSITION_UPDATE_MS, t -> {
      lane.positionTimer = -1;
      List<String> front = lane.front(PUSHED_POSITIONS);
      for (int i = 0; i < front.size(); i++) {
        String id = front.get(i);
        Integer published = lane.publishedPositions.get(id);
        if (published != null && published == i + 1) continue;
        TaskState known = recent.get(id);
        Future<TaskState> state = known != null ? Future.succeededFuture(known) : store.get(id);
        state.onSuccess(s -> {
          // still waiting here once read: a read that raced with its start must not follow the start
          if (s != null && s.status() == TaskStatus.QUEUED && lane.isWaiting(id)) publisher.positionChanged(viewOnLoop(s));
        });
      }
    });
  }

  // ---------------------------------------------------------------- cancel and delete

  /** Cancels a queued or running task; it ends {@code cancelled} and stays listed. */
  public Future<TaskStatus> cancel(String id) {
    return loop.compose(() -> cancelOnLoop(id, true));
  }

  private Future<TaskStatus> cancelOnLoop(String id, boolean mayRetry) {
    LocalRun run = runs.get(id);
    if (run != null) {
      stopRunningOnLoop(run, LocalRun.StopReason.CANCEL);
      return Future.succeededFuture(run.status());
    }
    return store.get(id).compose(state -> {
      if (state == null) throw new NotFoundException("task " + id + " not found");
      if (runs.containsKey(id)) return cancelOnLoop(id, false); // it started meanwhile
      if (state.isTerminal()) throw new ConflictException("task " + id + " is already " + state.status().wire());
      if (state.status() != TaskStatus.QUEUED && state.status() != TaskStatus.SCHEDULED) {
        if (shared) return requestCancelElsewhereOnLoop(id);
        throw new ConflictException("task " + id + " is " + state.status().wire() + " but not on this node");
      }
      return store.finish(state.next().status(TaskStatus.CANCELLED).completedAt(now()).build())
          .map(finished -> {
            withdrawnOnLoop(finished.task());
            prunedOnLoop(finished.pruned());
            return TaskStatus.CANCELLED;
          })
          .recover(e -> e instanceof StaleStateException && mayRetry ? cancelOnLoop(id, false) : Future.failedFuture(e));
    });
  }

  /** A queued or scheduled task left without running; its terminal event ends its streams. */
  private void withdrawnOnLoop(TaskState cancelled) {
    recent.remember(cancelled);
    Lane lane = lanes.get(cancelled.semaphore());
    if (lane != null && lane.dequeue(cancelled.id())) lineMovedOnLoop(lane);
    publisher.changed(TaskView.of(cancelled));
    listeners.forEach(l -> l.onFinished(cancelled));
  }

  /** Removes a task; a queued one never runs, a running one is cancelled first. */
  public Future<Void> delete(String id) {
    return loop.compose(() -> store.delete(id).map(gone -> {
      if (gone == null) throw new NotFoundException("task " + id + " not found");
      LocalRun run = runs.get(id);
      if (run != null) {
        run.removed = true;
        stopRunningOnLoop(run, LocalRun.StopReason.CANCEL);
      } else if (gone.status() == TaskStatus.QUEUED || gone.status() == TaskStatus.SCHEDULED) {
        withdrawnOnLoop(gone.next().status(TaskStatus.CANCELLED).completedAt(now()).build());
      }
      recent.forget(id);
      publisher.removed(id);
      listeners.forEach(l -> l.onRemoved(id));
      return null;
    }));
  }

  /** Removes every done, failed and cancelled task, in batches; answers how many. */
  public Future<Integer> deleteCompleted() {
    return loop.compose(() -> deleteFinishedOnLoop(0));
  }

  private Future<Integer> deleteFinishedOnLoop(int deletedSoFar) {
    return store.deleteFinished(DELETE_BATCH).compose(ids -> {
      prunedOnLoop(ids);
      int total = deletedSoFar + ids.size();
      return ids.size() < DELETE_BATCH ? Future.succeededFuture(total) : deleteFinishedOnLoop(total);
    });
  }

  /**
   * Cancel and timeout share one path: set the cooperative flag, interrupt the thread, show
   * {@code cancelling}, and if the thread has not left {@code run()} after the grace period,
   * count it as abandoned. It keeps its permit until it leaves, so limits are never exceeded.
   */
  private void stopRunningOnLoop(LocalRun run, LocalRun.StopReason reason) {
    if (reason == LocalRun.StopReason.TIMEOUT && run.status() == TaskStatus.RUNNING) {
      run.captureTimeoutStack(run.control.workerStackOnLoop()); // before the interrupt moves it
    }
    run.control.requestCancelOnLoop(); // asking again interrupts once more
    if (run.status() != TaskStatus.RUNNING) return;
    run.markCancelling(reason);
    publisher.changed(TaskView.of(run.current()));
    saveOnLoop(run);
    run.graceTimer = vertx.setTimer(Math.max(1, cancelGraceMillis), t -> {
      run.graceTimer = -1;
      if (!isActive(run)) return;
      run.markAbandoned(cancelGraceMillis);
      run.lane.abandoned++;
      LOG.warn("task {} ({}) did not leave run() {} ms after being stopped; its thread is abandoned and keeps"
          + " a '{}' permit until it returns", run.id(), run.state().taskType(), cancelGraceMillis, run.lane.name);
      publisher.changed(TaskView.of(run.current()));
      saveOnLoop(run);
    });
  }

  // ---------------------------------------------------------------- several nodes (a shared store)

  /** What another node announced about a task: enough to keep lines, runs and limits right here. */
  public record RemoteChange(Kind kind, String taskId, TaskStatus status, String semaphore, int priority, long seq,
      String owner, boolean cancelRequested, String parentId, Instant runAt, boolean keyed, boolean severalSemaphores) {
    public enum Kind { ADDED, CHANGED, REMOVED }

    public static RemoteChange of(Kind kind, TaskState s) {
      return new RemoteChange(kind, s.id(), s.status(), s.semaphore(), s.priority(), s.seq(), s.owner(),
          s.cancelRequested(), s.parentId(), s.runAt(), s.concurrencyKey() != null, !s.extraSemaphores().isEmpty());
    }

    public static RemoteChange removed(String taskId) {
      return new RemoteChange(Kind.REMOVED, taskId, null, null, 0, 0, null, false, null, null, false, false);
    }
  }

  /**
   * Another node added, changed or removed a task (its stream events are published by the
   * caller). Keeps the waiting lines cluster-wide (positions, and when to try a claim), stops a
   * local run that was cancelled, deleted or taken over elsewhere, and tries a claim when a
   * permit was freed on another node.
   */
  public void remoteChangeOnLoop(RemoteChange change) {
    loop.check();
    LocalRun run = runs.get(change.taskId());
    switch (change.kind()) {
      case ADDED -> {
        Lane lane = lanes.get(change.semaphore());
        listeners.forEach(l -> l.onQueuedElsewhere(change.taskId(), change.parentId()));
        if (change.status() == TaskStatus.SCHEDULED) wakeAtOnLoop(change.runAt()); // whichever node wakes first queues it
        else if (lane != null) enqueueOnLoop(lane, queuedTask(change));
      }
      case CHANGED -> {
        Lane lane = lanes.get(change.semaphore());
        if (change.status() == TaskStatus.QUEUED) { // queued again (a dead node's task taken over)
          if (lane != null && run == null) enqueueOnLoop(lane, queuedTask(change));
        } else if (lane != null && lane.dequeue(change.taskId())) {
          lineMovedOnLoop(lane);
        }
        if (change.status() == TaskStatus.SCHEDULED) wakeAtOnLoop(change.runAt());
        if (run != null && change.owner() != null && !change.owner().equals(nodeId)) {
          fenceOnLoop(run); // another node owns it now
        } else if (run != null && change.cancelRequested() && run.status() == TaskStatus.RUNNING) {
          stopRunningOnLoop(run, LocalRun.StopReason.CANCEL); // cancelled on another node
        }
        if (change.status().isTerminal() && lane != null) { // a permit came free there
          maybeClaimOnLoop(lane);
          offerToHeldBackOnLoop();
        }
      }
      case REMOVED -> {
        for (Lane lane : lanes.values()) {
          if (lane.dequeue(change.taskId())) lineMovedOnLoop(lane);
        }
        if (run != null) { // deleted on another node while it runs here
          run.removed = true;
          stopRunningOnLoop(run, LocalRun.StopReason.CANCEL);
        }
      }
    }
  }

  /**
   * Tasks of a dead node this node took over (see {@link ClusterStore#reapDead}): announced as
   * any change, and the ones queued again line up here.
   */
  public void takenOverOnLoop(List<TaskState> states) {
    loop.check();
    for (TaskState t : states) {
      publisher.changed(viewOnLoop(t));
      if (t.isTerminal()) {
        listeners.forEach(l -> l.onFinished(t));
      } else if (t.status() == TaskStatus.QUEUED) {
        enqueueOnLoop(laneFor(t.semaphore()), QueuedTask.of(t));
      } else if (t.status() == TaskStatus.SCHEDULED) {
        listeners.forEach(l -> l.onRetrying(t));
        wakeAtOnLoop(t.runAt());
      }
    }
  }

  /** Lines a task up and tries a claim, unless it was in line already (nothing changed then). */
  private void enqueueOnLoop(Lane lane, QueuedTask task) {
    if (lane.enqueue(task)) maybeClaimOnLoop(lane);
  }

  private static QueuedTask queuedTask(RemoteChange change) {
    return new QueuedTask(change.taskId(), change.semaphore(), change.priority(), change.seq(), change.parentId(),
        change.keyed(), change.severalSemaphores());
  }

  /**
   * This node's lease ran out (it was frozen, or cut off from the database, for longer than the
   * node timeout): other nodes have taken its running tasks over. It claims nothing until it has
   * joined again, and its runs are not its own any more: their threads are interrupted and
   * nothing more of them is written.
   */
  public void leaseLostOnLoop() {
    loop.check();
    claimsOpen = false;
    if (!runs.isEmpty()) LOG.warn("lease lost: {} task(s) running here were taken over by other nodes", runs.size());
    List.copyOf(runs.values()).forEach(this::fenceOnLoop);
  }

  /** This node's name in the cluster (before claims start). */
  public void renameOnLoop(String newNodeId) {
    loop.check();
    nodeId = newNodeId;
  }

  /** Joined again under a new name after a lost lease: claims go on. */
  public void rejoinedOnLoop(String newNodeId) {
    loop.check();
    nodeId = newNodeId;
    if (!closed) {
      claimsOpen = true;
      lanes.values().forEach(this::maybeClaimOnLoop);
    }
  }

  /** A task with a parent that ran on another node ended (see {@link TaskListener#onFinishedElsewhere}). */
  public void finishedElsewhereOnLoop(TaskState ended) {
    loop.check();
    listeners.forEach(l -> l.onFinishedElsewhere(ended));
  }

  /** Whether the task runs on this node (its live values are newer than the store's). */
  public boolean isRunningHereOnLoop(String taskId) {
    return runs.containsKey(taskId);
  }

  /** The slow backstop: try a claim on every lane with a free permit, whatever the lines say. */
  public void pollClaimsOnLoop() {
    loop.check();
    for (Lane lane : lanes.values()) {
      if (!claimsOpen || lane.claiming || lane.claimablePermits() <= 0) continue;
      lane.claimAgain = false;
      forceClaimOnLoop(lane);
    }
  }

  /** Another node's running task, asked to stop: flagged in the store; its owner hears of it. */
  private Future<TaskStatus> requestCancelElsewhereOnLoop(String id) {
    return ((ClusterStore) store).requestCancel(id).map(state -> {
      if (state == null) throw new NotFoundException("task " + id + " not found");
      if (state.isTerminal()) throw new ConflictException("task " + id + " is already " + state.status().wire());
      publisher.changed(viewOnLoop(state)); // carries cancel_requested to the node that runs it
      return TaskStatus.CANCELLING;
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Graceful stop: refuses new tasks at once (submissions fail as {@link #close()} makes them
   * fail) and starts no more. Queued tasks stay queued in a durable store for the next start; a
   * memory store would lose them, so there they are cancelled (and logged). Running tasks go on
   * for {@code grace}, then are stopped as a cancel does, so they end {@code cancelled}.
   * Completes when no task is running; a task that ignores interrupts keeps it pending, so
   * callers bound the wait.
   */
  public Future<Void> shutdown(Duration grace) {
    return loop.compose(() -> {
      if (drained != null) return drained.future();
      closed = true;
      claimsOpen = false;
      vertx.cancelTimer(wakeTimer); // scheduled tasks stay scheduled in the store
      drained = Promise.promise();
      List<String> queued = new ArrayList<>();
      lanes.values().forEach(lane -> queued.addAll(lane.front(lane.waiting())));
      if (store.durable()) {
        LOG.info("shutting down: {} running tasks get {} s to finish; {} queued tasks stay queued in {} for the next start",
            runs.size(), grace.toSeconds(), queued.size(), store.describe());
      } else {
        LOG.info("shutting down: {} running tasks get {} s to finish; {} queued tasks will not run{}", runs.size(),
            grace.toSeconds(), queued.size(), queued.isEmpty() ? "" : ": " + describe(queued));
        queued.forEach(id -> cancelOnLoop(id, false));
      }
      if (runs.isEmpty()) {
        drained.complete();
      } else {
        long timer = vertx.setTimer(Math.max(1, grace.toMillis()), t -> interruptRunningOnLoop());
        drained.future().onComplete(v -> vertx.cancelTimer(timer));
      }
      return drained.future();
    });
  }

  /** Ids for a log line; long lists are cut (each task's own line says the rest). */
  private static String describe(List<String> ids) {
    int shown = Math.min(ids.size(), 50);
    String listed = String.join(", ", ids.subList(0, shown));
    return shown == ids.size() ? listed : listed + " and " + (ids.size() - shown) + " more";
  }

  private void interruptRunningOnLoop() {
    List<LocalRun> running = new ArrayList<>(runs.values());
    running.removeIf(run -> run.status() != TaskStatus.RUNNING); // already being stopped
    if (!running.isEmpty()) LOG.warn("grace period over: interrupting {}", describe(running.stream().map(LocalRun::id).toList()));
    running.forEach(run -> {
      run.stoppedByShutdown = true;
      stopRunningOnLoop(run, LocalRun.StopReason.CANCEL);
    });
  }

  /** Stops accepting and running tasks and releases worker pools and the scratch folder; the store stays open. */
  public Future<Void> close() {
    return loop.call(() -> {
      closed = true;
      claimsOpen = false;
      for (Lane lane : lanes.values()) {
        vertx.cancelTimer(lane.positionTimer);
        vertx.cancelTimer(lane.claimRetryTimer);
      }
      vertx.cancelTimer(wakeTimer);
      for (LocalRun run : runs.values()) {
        stopTimersOnLoop(run);
        run.control.requestCancelOnLoop();
      }
      return null;
    }).compose(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      lanes.values().forEach(l -> l.pools().forEach(p -> closing.add(p.close())));
      closing.add(hookPool.close());
      return Future.join(closing);
    }).compose(v -> vertx.fileSystem().deleteRecursive(scratchRoot.toString()))
        .recover(e -> Future.succeededFuture());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
