package io.brinjal.streaming;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One Server-Sent Events response. Headers and a first comment go out only once the
 * subscription succeeded, so an unknown task still gets a clean 404.
 */
final class SseConnection extends StreamConnection {
  private static final int SOCKET_QUEUE_BYTES = 64 * 1024;

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final boolean endsWithTask;
  private boolean opened;

  SseConnection(StreamService service, RoutingContext ctx, boolean endsWithTask) {
    super(service, Transport.SSE);
    this.ctx = ctx;
    this.response = ctx.response();
    this.endsWithTask = endsWithTask;
    response.setWriteQueueMaxSize(SOCKET_QUEUE_BYTES);
    response.closeHandler(v -> release()); // the ends this stream makes itself release it there
    // (response.endHandler is left to the HTTP server's header deadline, which needs the response's end)
    open();
  }

  /** Headers are sent lazily with the first frame; until then the status can still change. */
  private void open() {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no") // nginx: do not buffer this response
        .putHeader("Connection", "keep-alive");
    startOutbox();
  }

  private void sendPreamble() {
    if (opened) return;
    opened = true;
    // a comment at once (proxies and browsers see the stream open), and a reconnect hint
    response.write(": stream opened\nretry: 3000\n\n");
  }

  void failBeforeOpen(Throwable failure) {
    if (!opened) {
      release();
      response.setChunked(false);
      response.headers().clear(); // the error answer is plain JSON, not a stream
      ctx.fail(failure);
    } else {
      endStream();
    }
  }

  @Override
  public void write(StreamEvent event) {
    sendPreamble();
    response.write(event.sseFrame());
  }

  @Override
  public void beginChunked(StreamEvent event) {
    sendPreamble();
    response.write(event.sseHead());
  }

  @Override
  public void writeChunk(String piece) {
    response.write(piece);
  }

  @Override
  public void endChunked() {
    response.write(StreamEvent.SSE_TAIL);
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable drained) {
    response.drainHandler(v -> drained.run());
  }

  @Override
  public void abort() {
    response.reset();
    release();
  }

  @Override
  protected void keepAlive() {
    // never inside a chunked event: the comment would land in the middle of its data line
    if (opened && !isClosed() && !outbox.isWritingChunked() && !response.writeQueueFull()) {
      response.write(": keepalive\n\n");
    }
  }

  @Override
  protected void taskEnded(String taskId) {
    if (endsWithTask) outbox.whenFlushed(this::endStream);
  }

  private void endStream() {
    if (!response.ended()) response.end();
    release();
  }
}
