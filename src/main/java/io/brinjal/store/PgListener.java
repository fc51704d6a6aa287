package io.brinjal.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One {@link ClusterStore#listen} of a {@link PgTaskStore}: a {@link PgSubscriber} on a connection
 * of its own, LISTENing on {@value #CHANNEL}, that reconnects forever (every
 * {@value #RECONNECT_DELAY_MS} ms) when the connection is lost. Payloads and the
 * {@code reconnected} callback run on the context given (the caller of {@code listen}), in the
 * order the connection received them.
 *
 * <p>{@code reconnected} runs once LISTEN is in force again on a new connection (never after the
 * first connect): a catch-up query the callback starts then cannot miss a change announced after
 * it, only those announced while the connection was down, which it is there to find.
 *
 * <p>A connection can die without closing (a peer or a NAT that forgot it): the subscriber would
 * then wait forever for notifications that never come. So the connection is checked every
 * {@value #PING_MS} ms with a {@code SELECT 1}; one that fails or does not answer within
 * {@value #PING_TIMEOUT_MS} ms is closed, which starts a reconnect.
 */
final class PgListener {
  static final String CHANNEL = "brinjal_events";
  static final long RECONNECT_DELAY_MS = 500;
  static final long PING_MS = 10_000;
  static final long PING_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final Context context;
  private final Consumer<String> payload;
  private final Runnable reconnected;
  private final PgSubscriber subscriber;
  /** How many times LISTEN came into force: the first connect, then every reconnect. */
  private final AtomicInteger listening = new AtomicInteger();
  private volatile boolean closed;
  private volatile long pingTimer = -1;

  PgListener(Vertx vertx, PgConnectOptions options, Context context, Consumer<String> payload, Runnable reconnected) {
    this.vertx = vertx;
    this.context = Objects.requireNonNull(context, "context");
    this.payload = Objects.requireNonNull(payload, "payload");
    this.reconnected = Objects.requireNonNull(reconnected, "reconnected");
    this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> RECONNECT_DELAY_MS);
  }

  /** Connects and LISTENs; fails (and leaves nothing open) when the first connect fails. */
  Future<Void> start() {
    PgChannel channel = subscriber.channel(CHANNEL);
    channel.subscribeHandler(v -> {
      if (closed) {
        // a reconnect that was under way when close() came: its connection is nobody's
        PgConnection c = subscriber.actualConnection();
        if (c != null) c.close();
        return;
      }
      if (listening.getAndIncrement() > 0) {
        context.runOnContext(x -> {
          if (!closed) reconnected.run();
        });
      }
    });
    channel.handler(text -> context.runOnContext(x -> {
      if (!closed) payload.accept(text);
    }));
    // the subscriber's connect() does not retry a first failure (its policy is for reconnects)
    return subscriber.connect()
        .onSuccess(v -> {
          if (!closed) pingTimer = vertx.setPeriodic(PING_MS, id -> ping());
        })
        .recover(e -> subscriber.close().transform(x -> Future.failedFuture(e)));
  }

  private void ping() {
    PgConnection c = subscriber.actualConnection();
    if (c == null || closed) return; // reconnecting: the subscriber's policy is at work
    Future<?> answer = c.query("SELECT 1").execute();
    long timeout = vertx.setTimer(PING_TIMEOUT_MS, id -> {
      if (!answer.isComplete()) c.close();
    });
    answer.onComplete(ar -> {
      vertx.cancelTimer(timeout);
      if (ar.failed() && !closed) c.close();
    });
  }

  /** Stops listening and closes the connection; nothing is delivered after this. */
  Future<Void> close() {
    closed = true;
    long timer = pingTimer;
    if (timer >= 0) vertx.cancelTimer(timer);
    return subscriber.close().otherwiseEmpty();
  }
}
