package io.brinjal;

import io.brinjal.api.AccessGuard;
import io.brinjal.api.TaskRoutes;
import io.brinjal.cluster.ClusterEvents;
import io.brinjal.cluster.ClusterNode;
import io.brinjal.command.CommandTypes;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigException;
import io.brinjal.examples.ExampleCPUTask;
import io.brinjal.examples.ExampleIOTask;
import io.brinjal.examples.NoopTask;
import io.brinjal.examples.ProgressTask;
import io.brinjal.examples.SleepTask;
import io.brinjal.execution.TaskEngine;
import io.brinjal.metrics.BrinjalMetrics;
import io.brinjal.metrics.HealthRoutes;
import io.brinjal.metrics.MetricsRoutes;
import io.brinjal.metrics.Readiness;
import io.brinjal.metrics.TaskLog;
import io.brinjal.recurring.RecurringScheduler;
import io.brinjal.loop.Loop;
import io.brinjal.recurring.ScheduleSpec;
import io.brinjal.store.ClusterStore;
import io.brinjal.store.TaskStore;
import io.brinjal.store.TaskStores;
import io.brinjal.streaming.StreamService;
import io.brinjal.streaming.TaskEvents;
import io.brinjal.streaming.Transport;
import io.brinjal.task.TaskRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Brinjal as a library: an engine, its recurring scheduler and its HTTP router, ready to mount in
 * any Vert.x application with {@code parent.route("/api/tasks/*").subRouter(brinjal.router())}.
 * Create it from the verticle (or event-loop context) that should own the engine's state.
 */
public final class Brinjal {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Brinjal.class);
  private final TaskStore store;
  private final ClusterEvents clusterEvents; // null with one node
  private final ClusterNode clusterNode; // null with one node
  private final TaskEngine engine;
  private final RecurringScheduler scheduler;
  private final StreamService streams;
  private final Router router;
  private final BrinjalMetrics metrics;
  private final Readiness readiness = new Readiness();
  private final Future<Void> started;

  private Brinjal(Vertx vertx, BrinjalConfig config, TaskRegistry registry, Clock clock, PrometheusMeterRegistry meters,
      TaskStore givenStore) {
    CommandTypes.register(registry, config.commands()); // before the schedules, which may name them
    List<ScheduleSpec> configured = configuredSchedules(config, registry); // fail before anything starts
    Context owner = vertx.getOrCreateContext(); // the engine's loop: its state, the events, a memory store
    this.store = givenStore != null ? givenStore : TaskStores.fromConfig(vertx, owner, config);
    Loop ownerLoop = Loop.of(owner);
    TaskEvents events = new TaskEvents(vertx.eventBus(), config.streaming().replayEvents(), ownerLoop,
        store::reserveEventIds);
    // several nodes on one store: changes go to the other nodes too, and theirs come here
    ClusterStore shared = store instanceof ClusterStore cs ? cs : null;
    this.clusterEvents = shared == null ? null
        : new ClusterEvents(vertx, ownerLoop, shared, events, config.cluster().pollMs());
    this.engine = new TaskEngine(vertx, owner, config, registry, store, clusterEvents != null ? clusterEvents : events, clock,
        NodeIds.fresh(NodeIds.host()));
    this.scheduler = new RecurringScheduler(engine, clock);
    if (shared != null) {
      clusterEvents.attach(engine);
      this.clusterNode = new ClusterNode(vertx, ownerLoop, shared, engine, clusterEvents, readiness, config.cluster());
      scheduler.shareWith(shared, clusterEvents::schedulesChangedOnLoop);
      engine.onLimitChanged(clusterEvents::limitChangedOnLoop);
      clusterEvents.onSchedulesChanged(() -> scheduler.reload()
          .onFailure(e -> LOG.warn("could not read the schedules another node changed: {}", e.getMessage())));
    } else {
      this.clusterNode = null;
    }
    this.streams = new StreamService(engine, events);
    this.router = TaskRoutes.create(vertx, engine, streams, scheduler);
    this.metrics = BrinjalMetrics.create(engine, meters);
    store.bindMetrics(meters);
    scheduler.addListener(metrics);
    for (Transport t : Transport.values()) {
      metrics.streamSubscribers(t.label(), () -> streams.stats(t).open());
      metrics.streamEventsDropped(t.label(), () -> streams.stats(t).droppedEvents());
      metrics.streamSlowDisconnects(t.label(), () -> streams.stats(t).slowDisconnects());
    }
    engine.addListener(new TaskLog());
    configured.forEach(scheduler::declare);
    this.started = store.open()
        .compose(v -> store.lastSeq())
        .compose(events::start)
        .compose(v -> clusterNode == null ? Future.succeededFuture() : clusterNode.join())
        .compose(v -> clusterEvents == null ? Future.succeededFuture() : clusterEvents.start())
        .compose(v -> engine.start())
        .compose(scheduler::restore)
        .compose(v -> engine.startClaiming())
        .onSuccess(v -> LOG.info("tasks are kept in {} (store.type {})", store.describe(), config.store().type()));
  }

  /**
   * Completes once the store is open, the tasks interrupted by the last stop are settled, and
   * the stored schedules are back; fails with a {@link io.brinjal.store.StoreOpenException}
   * naming the store if it cannot be used, or a {@link ConfigException} naming an entry that
   * cannot be (an unknown task type, refused parameters). Start serving requests after it.
   */
  public Future<Void> started() {
    return started;
  }

  /**
   * Adds the configured commands ({@code commands}) to {@code registry}. Throws
   * {@link ConfigException} naming the entry if a command's route or name is taken, or if a
   * configured schedule (see {@code recurring.schedules}) has an unknown task type or parameters
   * it refuses.
   */
  public static Brinjal create(Vertx vertx, BrinjalConfig config, TaskRegistry registry) {
    return create(vertx, config, registry, Clock.systemUTC());
  }

  /** With the clock that timestamps tasks and drives schedules (tests move it). */
  public static Brinjal create(Vertx vertx, BrinjalConfig config, TaskRegistry registry, Clock clock) {
    return create(vertx, config, registry, clock, BrinjalMetrics.newRegistry());
  }

  /**
   * With the caller's meter registry too, e.g. the one Vert.x's own HTTP metrics go to (a new
   * one otherwise: JVM and Brinjal meters; see {@link #metrics()}).
   */
  public static Brinjal create(Vertx vertx, BrinjalConfig config, TaskRegistry registry, Clock clock,
      PrometheusMeterRegistry meters) {
    return new Brinjal(vertx, config, registry, clock, meters, null);
  }

  /**
   * With a store of the caller's instead of the one {@code store.type} names (not opened yet:
   * {@link #started()} opens it, {@link #close()} closes it).
   */
  public static Brinjal create(Vertx vertx, BrinjalConfig config, TaskRegistry registry, Clock clock,
      PrometheusMeterRegistry meters, TaskStore store) {
    return new Brinjal(vertx, config, registry, clock, meters, store);
  }

  private static List<ScheduleSpec> configuredSchedules(BrinjalConfig config, TaskRegistry registry) {
    List<ScheduleSpec> specs = new ArrayList<>();
    List<BrinjalConfig.ScheduleEntry> entries = config.recurring().schedules();
    for (int i = 0; i < entries.size(); i++) {
      specs.add(ScheduleSpec.fromEntry(registry, entries.get(i), "recurring.schedules[" + i + "]"));
    }
    return specs;
  }

  /**
   * The HTTP server options the standalone server listens with: no WebSocket compression,
   * WebSocket messages up to {@link StreamService#MAX_WEBSOCKET_MESSAGE_BYTES}, no h2c, the
   * idle timeout. For an application that serves {@link #router()} from its own server.
   */
  public static io.vertx.core.http.HttpServerOptions serverOptions(BrinjalConfig.Http http) {
    return HttpListener.options(http);
  }

  /** The built-in example and benchmark task types; register your own on the result. */
  public static TaskRegistry builtInTasks() {
    return new TaskRegistry()
        .register(ExampleCPUTask.class, "CPU-bound demo: a start-up phase, then 100 steps")
        .register(ExampleIOTask.class, "I/O-bound demo: progress written to a file, read by a progress hook")
        .register(NoopTask.class, "Finishes at once (benchmarks)")
        .register(SleepTask.class, "Sleeps; the caller picks the semaphore (benchmarks)")
        .register(ProgressTask.class, "Emits timestamped progress steps (benchmarks)");
  }

  /** Mount this under your prefix; {@code /metrics} and {@code /health} belong at the root. */
  public Router router() {
    return router;
  }

  public TaskEngine engine() {
    return engine;
  }

  public TaskStore store() {
    return store;
  }

  public RecurringScheduler scheduler() {
    return scheduler;
  }

  public StreamService streams() {
    return streams;
  }

  public BrinjalMetrics metrics() {
    return metrics;
  }

  /** Mark it ready once your HTTP server listens; {@link #shutdown} marks it stopping. */
  public Readiness readiness() {
    return readiness;
  }

  /**
   * {@code GET /metrics}, {@code /health/live} and {@code /health/ready} on your root router.
   * {@code /metrics} needs {@code auth.metrics_token}, or else {@code auth.token}, when set;
   * health probes never need a token.
   */
  public void mountOperations(Router root) {
    var auth = engine.config().auth();
    String metricsToken = auth.metricsToken().isEmpty() ? auth.token() : auth.metricsToken();
    MetricsRoutes.mount(root, metrics, AccessGuard.of(metricsToken, "brinjal-metrics"));
    HealthRoutes.mount(root, readiness);
  }

  /**
   * The graceful stop a SIGTERM starts: not ready any more, new tasks refused with 503, no
   * more recurring firings, running tasks get {@code grace}, then are interrupted and end
   * cancelled. Completes when no task runs; then {@link #close()}.
   */
  public Future<Void> shutdown(Duration grace) {
    readiness.markStopping();
    return scheduler.close().compose(v -> engine.shutdown(grace));
  }

  /** Stops everything; the store closes last, once every write asked of it is stored. */
  public Future<Void> close() {
    readiness.markStopping();
    return scheduler.close()
        .compose(v -> engine.close())
        .eventually(() -> clusterNode == null ? Future.succeededFuture() : clusterNode.leave())
        .eventually(() -> clusterEvents == null ? Future.succeededFuture() : clusterEvents.close())
        .eventually(store::close)
        .onComplete(v -> metrics.close());
  }
}
