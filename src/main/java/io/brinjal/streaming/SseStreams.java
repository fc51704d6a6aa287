package io.brinjal.streaming;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.TaskEngine;
import io.brinjal.execution.TaskRecord;
import io.brinjal.json.Json;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SSE endpoints. Each stream takes its snapshot and registers its event-bus consumer in one
 * turn of the engine's event loop, so no event falls between the snapshot and the live feed.
 */
public final class SseStreams {
  private final TaskEngine engine;
  private final long keepAliveMillis;
  private final AtomicInteger open = new AtomicInteger();

  public SseStreams(TaskEngine engine) {
    this.engine = engine;
    this.keepAliveMillis = TimeUnit.SECONDS.toMillis(engine.config().streaming().keepAliveSeconds());
  }

  /** Streams currently open (their consumers and timers are live). */
  public int openStreams() {
    return open.get();
  }

  /** {@code GET /queue/stream}: the whole queue first, then added and removed tasks. */
  public void handleQueueStream(RoutingContext ctx) {
    engine.onLoop(() -> {
      SseConnection sse = openConnection(ctx);
      ObjectNode first = Json.object();
      first.put("type", "queue_updated");
      first.set("tasks", engine.queueArrayOnLoop());
      sse.send(Json.encode(first));
      subscribe(sse, engine.events().queueAddress(), false);
      return null;
    }).onFailure(ctx::fail);
  }

  /** {@code GET /{task_id}/stream}: the task's state first, then each change, until it ends. */
  public void handleTaskStream(RoutingContext ctx) {
    String id = ctx.pathParam("task_id");
    engine.onLoop(() -> {
      TaskRecord rec = engine.findOnLoop(id); // 404 before any header is written
      SseConnection sse = openConnection(ctx);
      sse.send(Json.encode(rec.toJson()));
      if (rec.status().isTerminal()) sse.end();
      else subscribe(sse, engine.events().taskAddress(id), true);
      return null;
    }).onFailure(ctx::fail);
  }

  private SseConnection openConnection(RoutingContext ctx) {
    open.incrementAndGet();
    SseConnection sse = new SseConnection(engine.vertx(), ctx.response(), open::decrementAndGet);
    sse.open(keepAliveMillis);
    return sse;
  }

  private void subscribe(SseConnection sse, String address, boolean endOnTerminal) {
    MessageConsumer<String> consumer = engine.vertx().eventBus().consumer(address, message -> {
      sse.send(message.body());
      if (endOnTerminal && TaskEvents.isTerminal(message)) sse.end();
    });
    sse.onClose(consumer::unregister);
  }
}
