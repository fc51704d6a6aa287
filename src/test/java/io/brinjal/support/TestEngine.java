package io.brinjal.support;

import io.brinjal.config.BrinjalConfig;
import io.brinjal.execution.TaskEngine;
import io.brinjal.execution.TaskPublisher;
import io.brinjal.store.MemoryTaskStore;
import io.brinjal.store.TaskQuery;
import io.brinjal.store.TaskState;
import io.brinjal.store.TaskStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;

/** An engine without HTTP on a memory store, started and claiming, for tests of what sits on it. */
public final class TestEngine {
  private TestEngine() {}

  public static TaskEngine start(Vertx vertx, BrinjalConfig config, Clock clock) {
    Context context = vertx.getOrCreateContext();
    TaskStore store = new MemoryTaskStore(context, config.retention());
    TaskEngine engine = new TaskEngine(vertx, context, config, TestServer.registry(), store, TaskPublisher.NONE, clock,
        "test-node");
    HttpProbe.await(store.open().compose(v -> engine.start()).compose(q -> engine.startClaiming()));
    return engine;
  }

  /** Every task the engine's store holds, oldest first. */
  public static List<TaskState> tasks(TaskEngine engine) {
    return HttpProbe.await(engine.page(TaskQuery.all(10_000))).tasks().stream().map(v -> v.state()).toList();
  }
}
