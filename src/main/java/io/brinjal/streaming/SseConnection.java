package io.brinjal.streaming;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open Server-Sent Events response: writes {@code data:} frames and keep-alive comments,
 * and releases everything registered with {@link #onClose} exactly once, whether the stream
 * ends by itself or the client goes away.
 */
final class SseConnection {
  private final Vertx vertx;
  private final HttpServerResponse response;
  private final List<Runnable> cleanups = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Runnable onRelease;
  private long keepAliveTimer = -1;

  SseConnection(Vertx vertx, HttpServerResponse response, Runnable onRelease) {
    this.vertx = vertx;
    this.response = response;
    this.onRelease = onRelease;
  }

  /** Sends the headers and a first comment at once, so proxies and clients see the stream open. */
  void open(long keepAliveMillis) {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no") // nginx: do not buffer this response
        .putHeader("Connection", "keep-alive");
    response.write(": stream opened\n\n");
    keepAliveTimer = vertx.setPeriodic(keepAliveMillis, t -> {
      if (!closed.get()) response.write(": keepalive\n\n");
    });
    response.closeHandler(v -> release());
    response.endHandler(v -> release());
    if (response.closed()) release(); // the client left before the handlers were in place
  }

  /** Registers a release action; runs it at once if the stream is already gone. */
  void onClose(Runnable cleanup) {
    if (closed.get()) cleanup.run();
    else cleanups.add(cleanup);
  }

  void send(String json) {
    if (!closed.get()) response.write("data: " + json + "\n\n");
  }

  void end() {
    if (!closed.get()) {
      response.end();
      release();
    }
  }

  private void release() {
    if (!closed.compareAndSet(false, true)) return;
    vertx.cancelTimer(keepAliveTimer);
    cleanups.forEach(Runnable::run);
    onRelease.run();
  }
}
