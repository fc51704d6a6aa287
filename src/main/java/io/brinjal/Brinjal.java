package io.brinjal;

import io.brinjal.api.TaskRoutes;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.examples.ExampleCPUTask;
import io.brinjal.examples.ExampleIOTask;
import io.brinjal.examples.NoopTask;
import io.brinjal.examples.ProgressTask;
import io.brinjal.examples.SleepTask;
import io.brinjal.execution.TaskEngine;
import io.brinjal.streaming.StreamService;
import io.brinjal.task.TaskRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Brinjal as a library: an engine plus its HTTP router, ready to mount in any Vert.x
 * application with {@code parent.route("/api/tasks/*").subRouter(brinjal.router())}.
 * Create it from the verticle (or event-loop context) that should own the engine's state.
 */
public final class Brinjal {
  private final TaskEngine engine;
  private final StreamService streams;
  private final Router router;

  private Brinjal(Vertx vertx, BrinjalConfig config, TaskRegistry registry) {
    this.engine = TaskEngine.create(vertx, config, registry);
    this.streams = new StreamService(engine);
    this.router = TaskRoutes.create(vertx, engine, streams);
  }

  public static Brinjal create(Vertx vertx, BrinjalConfig config, TaskRegistry registry) {
    return new Brinjal(vertx, config, registry);
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

  public StreamService streams() {
    return streams;
  }

  public Future<Void> close() {
    return engine.close();
  }
}
