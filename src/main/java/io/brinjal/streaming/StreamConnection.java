package io.brinjal.streaming;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One SSE or WebSocket client: its subscriptions, its bounded {@link Outbox}, and its timers.
 * Confined to the connection's event loop. Every subscription registers with the loop's
 * {@link StreamHub} first, then fetches its snapshot (or replay) from the engine's loop, and
 * only then goes live, dropping what the snapshot already covers: no event is lost or doubled
 * between the snapshot and the live feed.
 */
abstract class StreamConnection implements Outbox.Sink {
  protected final StreamService service;
  protected final Vertx vertx;
  protected final Context context;
  private final Transport transport;
  private final StreamHub hub;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();
  protected Outbox outbox;
  private long slowClientTimer = -1;
  private boolean closed;

  StreamConnection(StreamService service, Transport transport) {
    this.service = service;
    this.vertx = service.vertx();
    this.context = Vertx.currentContext();
    this.transport = transport;
    this.hub = service.hubOfCurrentLoop();
  }

  protected void startOutbox() {
    outbox = new Outbox(this, service.maxBufferedBytesPerClient(), service.counters(transport));
    long keepAlive = service.keepAliveMillis();
    timers.add(vertx.setPeriodic(keepAlive, t -> keepAlive()));
  }

  protected abstract void keepAlive();

  /** A task subscription saw its terminal event. */
  protected abstract void taskEnded(String taskId);

  Future<Void> subscribeTask(String taskId, Long resumeFrom) {
    return subscribe(service.events().taskAddress(taskId), taskId,
        () -> service.taskSnapshot(taskId, resumeFrom));
  }

  /**
   * The queue; with task updates, the address that carries every event instead (one of the two
   * at a time, so no queue event arrives twice).
   */
  Future<Void> subscribeQueue(Long resumeFrom, boolean withTaskUpdates) {
    TaskEvents events = service.events();
    String address = withTaskUpdates ? events.everythingAddress() : events.queueAddress();
    unsubscribe(withTaskUpdates ? events.queueAddress() : events.everythingAddress());
    return subscribe(address, null, () -> service.queueSnapshot(resumeFrom, withTaskUpdates));
  }

  int subscriptionCount() {
    return subscriptions.size();
  }

  private Future<Void> subscribe(String address, String taskId,
      java.util.function.Supplier<Future<StreamService.Snapshot>> snapshot) {
    if (closed || subscriptions.containsKey(address)) return Future.succeededFuture();
    Subscription sub = new Subscription(address, taskId);
    subscriptions.put(address, sub);
    return hub.add(address, sub)
        .compose(v -> snapshot.get())
        .andThen(ar -> {
          if (ar.succeeded()) sub.goLive(ar.result());
          else unsubscribe(address);
        })
        .mapEmpty();
  }

  void unsubscribe(String address) {
    Subscription sub = subscriptions.remove(address);
    if (sub != null) hub.remove(address, sub);
  }

  protected void unsubscribeTask(String taskId) {
    unsubscribe(service.events().taskAddress(taskId));
  }

  protected void unsubscribeQueue() {
    unsubscribe(service.events().queueAddress());
    unsubscribe(service.events().everythingAddress());
  }

  /** Releases every consumer and timer; safe to call more than once. */
  protected void release() {
    if (closed) return;
    closed = true;
    List.copyOf(subscriptions.keySet()).forEach(this::unsubscribe);
    timers.forEach(vertx::cancelTimer);
    if (slowClientTimer != -1) vertx.cancelTimer(slowClientTimer);
    service.connectionClosed(transport);
  }

  protected boolean isClosed() {
    return closed;
  }

  @Override
  public void backlogStarted() {
    slowClientTimer = vertx.setTimer(service.slowClientTimeoutMillis(), t -> {
      slowClientTimer = -1;
      outbox.abort();
    });
  }

  @Override
  public void backlogEnded() {
    if (slowClientTimer != -1) vertx.cancelTimer(slowClientTimer);
    slowClientTimer = -1;
  }

  /** One address this client listens to: buffers events until its snapshot has been sent. */
  private final class Subscription implements Consumer<StreamEvent> {
    final String address;
    final String taskId;
    List<StreamEvent> early = new ArrayList<>();
    long coveredUpTo = Long.MAX_VALUE;

    Subscription(String address, String taskId) {
      this.address = address;
      this.taskId = taskId;
    }

    @Override
    public void accept(StreamEvent event) {
      if (early != null) early.add(event);
      else if (event.seq() > coveredUpTo) deliver(event);
    }

    void goLive(StreamService.Snapshot snapshot) {
      coveredUpTo = snapshot.seq();
      List<StreamEvent> buffered = early;
      early = null;
      snapshot.events().forEach(this::deliver);
      for (StreamEvent e : buffered) {
        if (e.seq() > coveredUpTo) deliver(e);
      }
    }

    private void deliver(StreamEvent event) {
      if (closed || subscriptions.get(address) != this) return;
      outbox.offer(event);
      if (event.isTerminal() && taskId != null) {
        unsubscribe(address);
        taskEnded(taskId);
      }
    }
  }
}
