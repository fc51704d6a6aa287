package io.brinjal;

import io.brinjal.api.InvalidRequests;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.streaming.StreamService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP server on its own event loop, serving the shared router. Servers of one Vert.x that
 * listen on the same port share it: Vert.x hands new connections to them in turn, so each
 * connection (its parsing, JSON and stream writes) stays on one loop while the engine's state
 * stays on the engine's loop, reached only through futures.
 */
final class HttpListener extends VerticleBase {
  // Vert.x shares a random port among servers that ask for the same negative port; each
  // Brinjal server takes its own number, so two of them in one Vert.x never share a socket
  private static final AtomicInteger NEXT_SHARED_RANDOM_PORT = new AtomicInteger();

  private final Handler<HttpServerRequest> router;
  private final BrinjalConfig.Http http;
  private final int port;

  HttpListener(Handler<HttpServerRequest> router, BrinjalConfig.Http http, int port) {
    this.router = router;
    this.http = http;
    this.port = port;
  }

  /** The port to ask Vert.x for: the configured one, or a shared random one for port 0. */
  static int portToShare(BrinjalConfig.Http http) {
    if (http.port() != 0 || http.resolvedInstances() == 1) return http.port();
    return -(NEXT_SHARED_RANDOM_PORT.getAndIncrement() % 65_535 + 1);
  }

  @Override
  public Future<?> start() {
    return listen(vertx, router, http, port);
  }

  /**
   * What the server accepts on the wire. WebSocket compression is off: Vert.x inflates a
   * message whole, before any size check, so a few KB could cost gigabytes of inflating; our
   * frames are small JSON, and without it the message limit bounds a message's cost.
   */
  static HttpServerOptions options(BrinjalConfig.Http http) {
    return new HttpServerOptions()
        .setIdleTimeout(http.idleTimeoutSeconds()) // stalled clients; streams send keep-alives
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxWebSocketFrameSize(StreamService.MAX_WEBSOCKET_MESSAGE_BYTES)
        .setMaxWebSocketMessageSize(StreamService.MAX_WEBSOCKET_MESSAGE_BYTES)
        // HTTP/2 only by TLS (ALPN), which Brinjal leaves to a proxy: cleartext h2c was on by
        // default, untested, and broke SSE; HTTP/1.1 is what every route is built and tested on
        .setHttp2ClearTextEnabled(false);
  }

  static Future<HttpServer> listen(io.vertx.core.Vertx vertx, Handler<HttpServerRequest> router,
      BrinjalConfig.Http http, int port) {
    HeaderDeadline deadline = new HeaderDeadline(vertx, http.headerTimeoutSeconds());
    return vertx.createHttpServer(options(http))
        .invalidRequestHandler(InvalidRequests::handle)
        .connectionHandler(deadline::opened)
        .requestHandler(request -> {
          deadline.arrived(request);
          // the connection's errors now concern this request: a body it cannot parse gets a 400
          request.connection().exceptionHandler(cause -> InvalidRequests.refuseMalformedBody(request, cause));
          if (!InvalidRequests.refuseAmbiguousBodyLength(request)) router.handle(request);
        })
        .listen(port, http.host());
  }
}
