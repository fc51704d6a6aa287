package io.brinjal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has not sent a whole request line and headers within the configured
 * time: counted from the connection's opening for its first request, and from the end of the
 * previous response for each later one on a kept-alive connection (so a connection idle between
 * requests is closed after this time too, as Apache's KeepAliveTimeout does). The idle timeout
 * alone does not do it: every header line dripped in resets it, so a few thousand such clients
 * could hold every file descriptor the process has. One per HTTP server, confined to that
 * server's event loop, where its connections live.
 *
 * <p>The end of a response is seen through {@link HttpServerResponse#endHandler}, which this
 * class owns: a handler that replaced it would leave later requests to the idle timeout only.
 */
final class HeaderDeadline {
  private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
  private final Vertx vertx;
  private final long millis;
  private final Map<HttpConnection, Long> awaitingHeaders = new HashMap<>(); // this server's loop only
  private final Map<HttpConnection, HttpServerRequest> latest = new HashMap<>();

  HeaderDeadline(Vertx vertx, int seconds) {
    this.vertx = vertx;
    this.millis = TimeUnit.SECONDS.toMillis(seconds);
  }

  /** A connection handler: starts the clock for the first request. */
  void opened(HttpConnection connection) {
    start(connection);
    connection.closeHandler(v -> {
      stop(connection);
      latest.remove(connection);
    });
  }

  /** A request's headers have arrived: its deadline is met; the next starts when its response ends. */
  void arrived(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    stop(connection);
    latest.put(connection, request);
    request.response().endHandler(v -> ended(request));
  }

  private void ended(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    HttpServerResponse response = request.response();
    // a later request already arrived (pipelined), the connection is gone, or it is a WebSocket now
    if (latest.get(connection) != request || response.closed() || response.getStatusCode() == 101) return;
    start(connection);
  }

  private void start(HttpConnection connection) {
    stop(connection);
    long timer = vertx.setTimer(millis, id -> {
      Long current = awaitingHeaders.get(connection);
      if (current == null || current != id) return;
      awaitingHeaders.remove(connection);
      LOG.debug("closing {}: no complete request headers within {} ms", connection.remoteAddress(), millis);
      connection.close();
    });
    awaitingHeaders.put(connection, timer);
  }

  private void stop(HttpConnection connection) {
    Long timer = awaitingHeaders.remove(connection);
    if (timer != null) vertx.cancelTimer(timer);
  }
}
