package io.brinjal.metrics;

import io.brinjal.execution.SemaphoreState;
import io.brinjal.execution.TaskEngine;
import io.brinjal.execution.TaskListener;
import io.brinjal.store.ClusterStore;
import io.brinjal.store.TaskState;
import io.brinjal.recurring.RecurringScheduler;
import io.brinjal.task.TaskStatus;
import io.brinjal.task.TaskType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Brinjal's Prometheus meters, fed by engine lifecycle events. Label values are bounded: task
 * type, semaphore, status, transport and recurring schedule id, never a task id.
 *
 * <p>Counters and timers are updated by the engine's and the recurring scheduler's listener
 * callbacks, on the engine's loop. The
 * gauges over engine and store state (tasks by status, semaphore running and waiting) read
 * plain atomics that {@link #scrape()} fills from the engine and the store just before writing
 * the exposition. That keeps the engine's loop-confined state on its loop without copying its
 * bookkeeping into a listener that could drift from it; the price is that a scraper which
 * bypasses {@link #scrape()} sees those gauges as of the last scrape.
 */
public final class BrinjalMetrics implements TaskListener, RecurringScheduler.Listener {
  /** Histogram buckets from a millisecond to a day: task times span that whole range. */
  private static final Duration[] TIME_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
    Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
    Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30),
    Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(6), Duration.ofHours(12), Duration.ofHours(24)
  };
  private static final List<TaskStatus> TERMINAL =
      List.of(TaskStatus.DONE, TaskStatus.FAILED, TaskStatus.CANCELLED);

  private final PrometheusMeterRegistry registry;
  private final TaskEngine engine;
  private final JvmGcMetrics gcMetrics; // holds JMX listeners: closed with us; null if not ours

  // meter caches, touched only by listener callbacks on the engine's loop
  private final Map<String, Counter> submitted = new HashMap<>();
  private final Map<String, Counter> scheduled = new HashMap<>();
  private final Map<String, Counter> retries = new HashMap<>();
  private final Map<List<String>, Counter> finished = new HashMap<>();
  private final Map<List<String>, Timer> queueWait = new HashMap<>();
  private final Map<List<String>, Timer> runTime = new HashMap<>();

  // gauge values: written on the loop by refreshOnLoop(), read by whichever thread scrapes
  private final Map<TaskStatus, AtomicInteger> tasksByStatus = new EnumMap<>(TaskStatus.class);
  private final Map<String, AtomicInteger> semaphoreLimit = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> semaphoreRunning = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> semaphoreWaiting = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> semaphoreRunningHere = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> semaphoreAbandoned = new LinkedHashMap<>();
  private final AtomicInteger clusterNodes = new AtomicInteger(1);

  private final List<LongSupplier> countSources = new java.util.concurrent.CopyOnWriteArrayList<>();

  // fed by the recurring scheduler's callbacks, on the engine's loop
  private final Map<List<String>, Counter> recurringRuns = new HashMap<>();

  private BrinjalMetrics(TaskEngine engine, PrometheusMeterRegistry registry) {
    this.engine = engine;
    this.registry = registry;
    this.gcMetrics = bindJvmMetrics(registry);
    for (TaskStatus status : TaskStatus.values()) {
      AtomicInteger count = new AtomicInteger();
      tasksByStatus.put(status, count);
      Gauge.builder("brinjal.tasks", count, AtomicInteger::get).strongReference(true)
          .description("Tasks in the store, by status").tag("status", status.wire()).register(registry);
    }
    engine.config().semaphores().forEach((name, limit) -> {
      AtomicInteger limitNow = semaphoreGauge("brinjal.semaphore.limit",
          "How many tasks the semaphore lets run at once (as changed at run time, else as configured)", name);
      limitNow.set(limit);
      semaphoreLimit.put(name, limitNow);
      semaphoreRunning.put(name, semaphoreGauge("brinjal.semaphore.running", "Tasks holding a permit", name));
      semaphoreWaiting.put(name, semaphoreGauge("brinjal.semaphore.waiting", "Tasks queued for a permit", name));
      semaphoreRunningHere.put(name, semaphoreGauge("brinjal.semaphore.running.here",
          "Tasks holding a permit on this node (with one node, the same as brinjal_semaphore_running)", name));
      semaphoreAbandoned.put(name, semaphoreGauge("brinjal.semaphore.abandoned",
          "Threads on this node that did not leave run() within execution.cancel_grace_seconds (they keep their permits)", name));
    });
    Gauge.builder("brinjal.cluster.nodes", clusterNodes, AtomicInteger::get).strongReference(true)
        .description("Nodes sharing the store, a dead one until it is taken over (1 with a store of its own)").register(registry);
    // zero series from the start, so rate(), increase() and histogram_quantile() see the first
    // task of each type; the histograms under the semaphore the type declares (a task that picks
    // another one at run time adds that series then)
    for (TaskType type : engine.registry().all()) {
      submittedCounter(type.name());
      scheduledCounter(type.name());
      retryCounter(type.name());
      for (TaskStatus status : TERMINAL) finishedCounter(type.name(), status.wire());
      String semaphore = engine.semaphoreFor(type.declaredSemaphore());
      queueWaitTimer(type.name(), semaphore);
      runTimer(type.name(), semaphore);
    }
  }

  /** Meters for the engine's tasks in {@code registry}, fed by a listener on the engine. */
  public static BrinjalMetrics create(TaskEngine engine, PrometheusMeterRegistry registry) {
    BrinjalMetrics metrics = new BrinjalMetrics(engine, registry);
    engine.addListener(metrics);
    return metrics;
  }

  /** A Prometheus registry whose exposition passes {@code promtool check metrics}. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // promtool's lint refuses these two names (an abbreviated unit; "_count" on a gauge);
    // process_cpu_usage and the JVM's own metrics say the same
    registry.config().meterFilter(MeterFilter.deny(id ->
        id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
    // Vert.x labels its HTTP meters with the request's method as sent: made-up methods would
    // each add series (and heap) without bound, even when answered 401
    registry.config().meterFilter(MeterFilter.replaceTagValues("method",
        method -> HTTP_METHODS.contains(method) ? method : "other"));
    return registry;
  }

  /** The method label values HTTP meters may carry; any other method is counted as "other". */
  public static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Refreshes the engine gauges on the engine's loop, then renders the Prometheus text format
   * back on the caller's context: rendering every meter is the bulk of a scrape and needs
   * nothing of the engine's, so the engine's loop only does the refresh.
   */
  public Future<String> scrape() {
    Future<Integer> nodes = engine.store() instanceof ClusterStore cluster
        ? cluster.nodes().map(List::size) : Future.succeededFuture(1);
    return Future.all(engine.semaphores(), engine.countByStatus(), nodes).map(all -> {
      List<SemaphoreState> semaphores = all.resultAt(0);
      for (SemaphoreState s : semaphores) {
        semaphoreLimit.get(s.name()).set(s.limit());
        semaphoreRunning.get(s.name()).set(s.running());
        semaphoreWaiting.get(s.name()).set(s.waiting());
        semaphoreRunningHere.get(s.name()).set(s.runningHere());
        semaphoreAbandoned.get(s.name()).set(s.abandoned());
      }
      Map<TaskStatus, Long> counts = all.resultAt(1);
      tasksByStatus.forEach((status, gauge) -> gauge.set(counts.getOrDefault(status, 0L).intValue()));
      clusterNodes.set(all.resultAt(2));
      return registry.scrape();
    });
  }

  // ---------------------------------------------------------------- stream transports

  /** How many clients a transport has open; {@code open} is read by the scraping thread. */
  public void streamSubscribers(String transport, IntSupplier open) {
    Gauge.builder("brinjal.stream.subscribers", open::getAsInt).strongReference(true)
        .description("Open live-update connections").tag("transport", transport).register(registry);
  }

  /** A transport's running count of events skipped for slow clients; read by the scraping thread. */
  public void streamEventsDropped(String transport, LongSupplier dropped) {
    functionCounter("brinjal.stream.events.dropped",
        "Intermediate task events not sent to a slow client (it still gets the latest state)", transport, dropped);
  }

  /** A transport's running count of clients cut off for staying behind; read by the scraping thread. */
  public void streamSlowDisconnects(String transport, LongSupplier disconnected) {
    functionCounter("brinjal.stream.slow.disconnects", "Clients disconnected for a backlog over"
        + " streaming.max_buffered_bytes_per_client or behind for streaming.slow_client_timeout_seconds", transport, disconnected);
  }

  private void functionCounter(String name, String description, String transport, LongSupplier count) {
    countSources.add(count); // Micrometer holds a function counter's source weakly: a lambda would be collected
    FunctionCounter.builder(name, count, LongSupplier::getAsLong).description(description).tag("transport", transport)
        .register(registry);
  }

  // ---------------------------------------------------------------- recurring schedules (engine loop)

  /** A schedule was created: its series start at zero. */
  @Override
  public void onScheduleCreated(String recurringId) {
    for (RecurringScheduler.RunResult result : RecurringScheduler.RunResult.values()) recurringCounter(recurringId, result);
  }

  /** A schedule fired: it queued an instance, or skipped the run, or could not build the task. */
  @Override
  public void onScheduleFired(String recurringId, RecurringScheduler.RunResult result) {
    recurringCounter(recurringId, result).increment();
  }

  /** A schedule was deleted: its series go, so the label set stays as small as the schedule list. */
  @Override
  public void onScheduleDeleted(String recurringId) {
    for (RecurringScheduler.RunResult result : RecurringScheduler.RunResult.values()) {
      Counter c = recurringRuns.remove(List.of(recurringId, result.label()));
      if (c != null) registry.remove(c);
    }
  }

  private Counter recurringCounter(String recurringId, RecurringScheduler.RunResult result) {
    return recurringRuns.computeIfAbsent(List.of(recurringId, result.label()), k -> Counter.builder("brinjal.recurring.runs")
        .description("Firings of recurring schedules, by result (submitted, skipped, failed)")
        .tags("recurring_id", recurringId, "result", result.label()).register(registry));
  }

  // ---------------------------------------------------------------- task lifecycle (engine loop)

  @Override
  public void onSubmitted(TaskState task) {
    submittedCounter(task.taskType()).increment();
    if (task.status() == TaskStatus.SCHEDULED) scheduledCounter(task.taskType()).increment();
  }

  @Override
  public void onRetrying(TaskState task) {
    retryCounter(task.taskType()).increment();
  }

  @Override
  public void onStarted(TaskState task) {
    // from creation to the first permit: a later attempt's wait would count its backoff
    if (task.attempt() <= 1) queueWaitTimer(task.taskType(), task.semaphore()).record(task.waitTime());
  }

  private Counter scheduledCounter(String type) {
    return scheduled.computeIfAbsent(type, t -> Counter.builder("brinjal.tasks.scheduled")
        .description("Tasks created with a delayed start (Brinjal-Delay, Brinjal-Run-At)").tag("task_type", t)
        .register(registry));
  }

  private Counter retryCounter(String type) {
    return retries.computeIfAbsent(type, t -> Counter.builder("brinjal.task.retries")
        .description("Failed attempts scheduled to run again").tag("task_type", t).register(registry));
  }

  @Override
  public void onFinished(TaskState task) {
    finishedCounter(task.taskType(), task.status().wire()).increment();
    Duration ran = task.runTime();
    if (ran != null) runTimer(task.taskType(), task.semaphore()).record(ran);
  }

  private Counter submittedCounter(String type) {
    return submitted.computeIfAbsent(type, t -> Counter.builder("brinjal.tasks.submitted")
        .description("Tasks created").tag("task_type", t).register(registry));
  }

  private Counter finishedCounter(String type, String status) {
    return finished.computeIfAbsent(List.of(type, status), k -> Counter.builder("brinjal.tasks.finished")
        .description("Tasks that reached done, failed or cancelled")
        .tags("task_type", type, "status", status).register(registry));
  }

  private Timer queueWaitTimer(String type, String semaphore) {
    return timer(queueWait, "brinjal.task.queue.wait", "Time from submission to getting a permit", type, semaphore);
  }

  private Timer runTimer(String type, String semaphore) {
    return timer(runTime, "brinjal.task.run", "Time from getting a permit to the end", type, semaphore);
  }

  private Timer timer(Map<List<String>, Timer> cache, String name, String description, String type, String semaphore) {
    return cache.computeIfAbsent(List.of(type, semaphore), k -> Timer.builder(name)
        .description(description).tags("task_type", k.get(0), "semaphore", k.get(1))
        .serviceLevelObjectives(TIME_BUCKETS).register(registry));
  }

  private AtomicInteger semaphoreGauge(String name, String description, String semaphore) {
    AtomicInteger value = new AtomicInteger();
    Gauge.builder(name, value, AtomicInteger::get).strongReference(true)
        .description(description).tag("semaphore", semaphore).register(registry);
    return value;
  }

  // ---------------------------------------------------------------- JVM

  /** JVM meters, unless the registry has them already (an embedder's, or Vert.x's own). */
  private static JvmGcMetrics bindJvmMetrics(PrometheusMeterRegistry registry) {
    if (registry.find("jvm.memory.used").meter() != null) return null;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }

  /** Releases the GC listeners this registered with the JVM. */
  public void close() {
    if (gcMetrics != null) gcMetrics.close();
  }
}
