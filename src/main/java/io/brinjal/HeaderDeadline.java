package io.brinjal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection that has not sent a whole request line and headers within the
 * configured time. The idle timeout alone does not do it: every header line dripped in resets
 * it, so a few thousand such clients could hold every file descriptor the process has.
 * One per HTTP server, confined to that server's event loop, where its connections live.
 */
final class HeaderDeadline {
  private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
  private final Vertx vertx;
  private final long millis;
  private final Map<HttpConnection, Long> awaitingFirstRequest = new HashMap<>(); // this server's loop only

  HeaderDeadline(Vertx vertx, int seconds) {
    this.vertx = vertx;
    this.millis = TimeUnit.SECONDS.toMillis(seconds);
  }

  /** A connection handler: starts the clock. */
  void opened(HttpConnection connection) {
    long timer = vertx.setTimer(millis, id -> {
      if (awaitingFirstRequest.remove(connection) == null) return;
      LOG.debug("closing {}: no complete request headers within {} ms", connection.remoteAddress(), millis);
      connection.close();
    });
    awaitingFirstRequest.put(connection, timer);
    connection.closeHandler(v -> stop(connection));
  }

  /** A request's headers have arrived: the connection has met its deadline. */
  void arrived(HttpServerRequest request) {
    stop(request.connection());
  }

  private void stop(HttpConnection connection) {
    Long timer = awaitingFirstRequest.remove(connection);
    if (timer != null) vertx.cancelTimer(timer);
  }
}
