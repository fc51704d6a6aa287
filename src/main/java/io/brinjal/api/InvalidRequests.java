package io.brinjal.api;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP codec could not parse (a request line or headers too long, garbage): the
 * same JSON {@code detail} as every other error, then the connection is closed, as Vert.x's
 * own default does.
 */
public final class InvalidRequests {
  private InvalidRequests() {}

  public static void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String detail = "malformed HTTP request";
    if (cause instanceof TooLongFrameException) {
      String name = cause.getClass().getSimpleName();
      if (name.contains("Line")) {
        status = 414;
        detail = "request line (method and URI) is too long";
      } else if (name.contains("Header")) {
        status = 431;
        detail = "request headers are too large";
      }
    }
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end("{\"detail\":\"" + detail + "\"}")
        .onComplete(v -> request.connection().close());
  }
}
