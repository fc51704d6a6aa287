package io.brinjal.streaming;

import io.brinjal.execution.NotFoundException;
import io.brinjal.execution.TaskEngine;
import io.brinjal.execution.TaskView;
import io.brinjal.store.TaskQuery;
import io.brinjal.wire.ApiException;
import io.brinjal.wire.TaskJson;
import io.brinjal.wire.TaskListChunks;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live streams to clients: {@code GET /queue/stream}, {@code GET /{task_id}/stream} (SSE) and
 * {@code GET /ws} (WebSocket). Holds what all connections share: the connection cap, one
 * {@link StreamHub} per event loop, the snapshots taken on the engine's loop, and counters.
 */
public final class StreamService {
  /**
   * The largest WebSocket message (and frame) a client may send: room for a subscribe naming
   * the 10,000 ids a connection may follow at their longest (100 characters). The HTTP server
   * enforces it before anything is parsed; over it, the socket is closed with 1009.
   */
  public static final int MAX_WEBSOCKET_MESSAGE_BYTES = 1 << 20;

  private final TaskEngine engine;
  private final TaskEvents events;
  private final long keepAliveMillis;
  private final long slowClientTimeoutMillis;
  private final int maxBufferedBytesPerClient;
  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<Transport, Counters> counters = new EnumMap<>(Transport.class);
  private final Map<Context, StreamHub> hubs = new ConcurrentHashMap<>();

  public StreamService(TaskEngine engine, TaskEvents events) {
    this.engine = engine;
    this.events = events;
    var streaming = engine.config().streaming();
    this.keepAliveMillis = TimeUnit.SECONDS.toMillis(streaming.keepAliveSeconds());
    this.slowClientTimeoutMillis = TimeUnit.SECONDS.toMillis(streaming.slowClientTimeoutSeconds());
    this.maxBufferedBytesPerClient = streaming.maxBufferedBytesPerClient();
    this.maxConnections = streaming.maxConnections();
    for (Transport t : Transport.values()) counters.put(t, new Counters());
  }

  /** Per transport: open connections, dropped (superseded) events, slow clients dropped. */
  public static final class Counters {
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong slowDisconnects = new AtomicLong();
    private final AtomicLong largestBacklog = new AtomicLong();

    void dropped() {
      dropped.incrementAndGet();
    }

    void slowDisconnect() {
      slowDisconnects.incrementAndGet();
    }

    void backlog(long bytes) {
      largestBacklog.accumulateAndGet(bytes, Math::max);
    }

    /** The largest backlog any one client of this transport has had, in bytes (estimated). */
    public long largestBacklogBytes() {
      return largestBacklog.get();
    }

    public int open() {
      return open.get();
    }

    public long droppedEvents() {
      return dropped.get();
    }

    public long slowDisconnects() {
      return slowDisconnects.get();
    }
  }

  /** What a subscription starts from: events to send first, and the seq they cover. */
  record Snapshot(long seq, List<StreamEvent> events) {}

  // ---------------------------------------------------------------- handlers

  /**
   * {@code GET /queue/stream}: the whole queue first, then added and removed tasks; with
   * {@code ?task_updates=true} also every change of every task, so one stream follows it all.
   */
  public void handleQueueStream(RoutingContext ctx) {
    Long resumeFrom = lastEventId(ctx);
    boolean withTaskUpdates = taskUpdates(ctx);
    admit(ctx, Transport.SSE);
    SseConnection sse = new SseConnection(this, ctx, false);
    sse.subscribeQueue(resumeFrom, withTaskUpdates).onFailure(sse::failBeforeOpen);
  }

  /** {@code GET /{task_id}/stream}: the task's state first, then each change, until it ends. */
  public void handleTaskStream(RoutingContext ctx) {
    Long resumeFrom = lastEventId(ctx);
    admit(ctx, Transport.SSE);
    SseConnection sse = new SseConnection(this, ctx, true);
    sse.subscribeTask(ctx.pathParam("task_id"), resumeFrom).onFailure(sse::failBeforeOpen);
  }

  /** {@code GET /ws}: one WebSocket for any number of task and queue subscriptions. */
  public void handleWebSocket(RoutingContext ctx) {
    admit(ctx, Transport.WEBSOCKET);
    ctx.request().toWebSocket()
        .onSuccess(ws -> new WebSocketConnection(this, ws, ctx.request().connection()))
        .onFailure(e -> {
          connectionClosed(Transport.WEBSOCKET);
          if (!ctx.response().ended()) ctx.fail(new ApiException(400, "WebSocket upgrade failed: " + e.getMessage()));
        });
  }

  private static Long lastEventId(RoutingContext ctx) {
    String raw = ctx.request().getHeader("Last-Event-ID");
    if (raw == null || raw.isBlank()) return null;
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new ApiException(400, "Last-Event-ID must be an event id this server sent, got \"" + raw + "\"");
    }
  }

  private static boolean taskUpdates(RoutingContext ctx) {
    List<String> values = ctx.queryParam("task_updates");
    if (values.isEmpty()) return false;
    if (values.size() == 1 && ("true".equals(values.get(0)) || "false".equals(values.get(0)))) {
      return Boolean.parseBoolean(values.get(0));
    }
    throw new ApiException(400, "task_updates must be given once, as true or false");
  }

  private void admit(RoutingContext ctx, Transport transport) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      ctx.response().putHeader("Retry-After", "5");
      throw new ApiException(503, "too many open streams (" + maxConnections + "); retry later");
    }
    counters.get(transport).open.incrementAndGet();
  }

  void connectionClosed(Transport transport) {
    open.decrementAndGet();
    counters.get(transport).open.decrementAndGet();
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * The number first, on the engine's loop, then the task's state: every change up to that
   * number is in the store, so the state read after it is at least that new, and the live feed
   * delivers everything numbered above it. (It may show a change the feed then repeats: clients
   * replace their card with each event, so the latest state always wins.)
   */
  Future<Snapshot> taskSnapshot(String taskId, Long resumeFrom) {
    return events.loop().compose(() -> {
      long seq = events.currentSeqOnLoop();
      List<StreamEvent> missed = resumeFrom == null ? null : events.taskEventsAfterOnLoop(taskId, resumeFrom);
      if (missed != null && !missed.isEmpty()) return Future.succeededFuture(new Snapshot(seq, missed));
      return engine.view(taskId) // on the same loop: read right after the number was taken
          .recover(e -> e instanceof NotFoundException ? Future.succeededFuture(null) : Future.failedFuture(e))
          .map(view -> {
            boolean ended = view == null || view.state().isTerminal();
            if (missed != null && !ended) return new Snapshot(seq, missed); // nothing missed, more to come
            if (view == null) throw new NotFoundException("task " + taskId + " not found");
            StreamEvent.Kind kind = ended ? StreamEvent.Kind.TASK_TERMINAL : StreamEvent.Kind.TASK;
            return new Snapshot(seq, List.of(new StreamEvent(seq, kind, taskId, TaskJson.encode(view))));
          });
    });
  }

  /**
   * A replay of what was missed if the ring still holds it (with task updates, every missed
   * event); otherwise {@code queue_updated} with every task, streamed from the store page by
   * page, bounded by the tasks announced up to the snapshot's number (later ones arrive as
   * {@code task_added}, so none is listed twice).
   */
  Future<Snapshot> queueSnapshot(Long resumeFrom, boolean withTaskUpdates) {
    return events.loop().call(() -> {
      List<StreamEvent> missed = resumeFrom == null ? null : withTaskUpdates
          ? events.allEventsAfterOnLoop(resumeFrom)
          : events.queueEventsAfterOnLoop(resumeFrom);
      return new Mark(events.currentSeqOnLoop(), events.lastAddedTaskSeqOnLoop(), missed);
    }).map(mark -> mark.missed() != null ? new Snapshot(mark.seq(), mark.missed())
        : new Snapshot(mark.seq(), List.of(StreamEvent.queueUpdated(mark.seq(),
            new TaskListChunks(engine, new TaskQuery(java.util.Set.of(), 0, mark.lastTaskSeq(), TaskListChunks.PAGE))::next))));
  }

  private record Mark(long seq, long lastTaskSeq, List<StreamEvent> missed) {}

  // ---------------------------------------------------------------- shared state

  StreamHub hubOfCurrentLoop() {
    // requests run on duplicated contexts (one per request): key by the event loop's own context
    Context loop = ((io.vertx.core.internal.ContextInternal) Vertx.currentContext()).unwrap();
    return hubs.computeIfAbsent(loop, c -> new StreamHub(engine.vertx()));
  }

  TaskEvents events() {
    return events;
  }

  Vertx vertx() {
    return engine.vertx();
  }

  long keepAliveMillis() {
    return keepAliveMillis;
  }

  long slowClientTimeoutMillis() {
    return slowClientTimeoutMillis;
  }

  int maxBufferedBytesPerClient() {
    return maxBufferedBytesPerClient;
  }

  Counters counters(Transport transport) {
    return counters.get(transport);
  }

  /** SSE and WebSocket connections currently open. */
  public int openStreams() {
    return open.get();
  }

  public Counters stats(Transport transport) {
    return counters.get(transport);
  }

  /** Event-bus consumers held for streams, all loops (one per address and loop). */
  public int busConsumers() {
    return hubs.values().stream().mapToInt(StreamHub::consumers).sum();
  }

  /** Subscriptions (a connection's task or queue interest) currently registered, all loops. */
  public int subscribers() {
    return hubs.values().stream().mapToInt(StreamHub::subscribers).sum();
  }
}
