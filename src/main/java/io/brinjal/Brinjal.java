package io.brinjal;

import io.brinjal.api.AccessGuard;
import io.brinjal.api.TaskRoutes;
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
import io.brinjal.recurring.ScheduleSpec;
import io.brinjal.recurring.ScheduleStore;
import io.brinjal.streaming.StreamService;
import io.brinjal.streaming.Transport;
import io.brinjal.task.TaskRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
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
  private final TaskEngine engine;
  private final RecurringScheduler scheduler;
  private final StreamService streams;
  private final Router router;
  private final BrinjalMetrics metrics;
  private final Readiness readiness = new Readiness();
  private final Future<Void> started;

  private Brinjal(Vertx vertx, BrinjalConfig config, TaskRegistry registry, Clock clock, PrometheusMeterRegistry meters) {
    List<ScheduleSpec> configured = configuredSchedules(config, registry); // fail before anything starts
    this.engine = new TaskEngine(vertx, vertx.getOrCreateContext(), config, registry, clock);
    String storeFile = config.recurring().storeFile();
    this.scheduler = new RecurringScheduler(engine, clock,
        storeFile.isEmpty() ? null : new ScheduleStore(vertx, Path.of(storeFile)));
    this.streams = new StreamService(engine);
    this.router = TaskRoutes.create(vertx, engine, streams, scheduler);
    this.metrics = BrinjalMetrics.create(engine, meters);
    scheduler.addListener(metrics);
    for (Transport t : Transport.values()) {
      metrics.streamSubscribers(t.label(), () -> streams.stats(t).open());
      metrics.streamEventsDropped(t.label(), () -> streams.stats(t).droppedEvents());
    }
    engine.addListener(new TaskLog());
    configured.forEach(scheduler::declare);
    this.started = scheduler.restore();
  }

  /**
   * Completes once the schedules of {@code recurring.store_file} are back (at once without
   * one); fails with a {@link ConfigException} naming the file and entry if they cannot be read,
   * or the file cannot be written. Start serving requests after it.
   */
  public Future<Void> started() {
    return started;
  }

  /**
   * Throws {@link ConfigException} naming the entry if a configured schedule (see
   * {@code recurring.schedules}) has an unknown task type or parameters it refuses.
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
    return new Brinjal(vertx, config, registry, clock, meters);
  }

  private static List<ScheduleSpec> configuredSchedules(BrinjalConfig config, TaskRegistry registry) {
    List<ScheduleSpec> specs = new ArrayList<>();
    List<BrinjalConfig.ScheduleEntry> entries = config.recurring().schedules();
    for (int i = 0; i < entries.size(); i++) {
      specs.add(ScheduleSpec.fromEntry(registry, entries.get(i), "recurring.schedules[" + i + "]"));
    }
    return specs;
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

  public Future<Void> close() {
    readiness.markStopping();
    return scheduler.close().compose(v -> engine.close()).onComplete(v -> metrics.close());
  }
}
