package io.brinjal.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON answers. Never {@code ctx.json(pojo)}: that would use Vert.x's global mapper. */
public final class Replies {
  private Replies() {}

  public static void json(RoutingContext ctx, int status, String json) {
    if (ctx.response().ended()) return;
    var request = ctx.request();
    // answered before the body was read (a refusal, a route that takes none): close the
    // connection afterwards rather than leave the client blocked on a body nobody reads.
    // A 413 is the exception: the body handler keeps reading and dropping what comes.
    String length = request.getHeader("Content-Length");
    boolean hasBody = (length != null && !length.trim().equals("0")) || request.getHeader("Transfer-Encoding") != null;
    boolean bodyUnread = hasBody && !request.isEnded() && status != 413;
    if (bodyUnread) ctx.response().putHeader("Connection", "close");
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(json)
        .onComplete(v -> {
          if (bodyUnread) request.connection().close();
        });
  }

  public static void json(RoutingContext ctx, int status, ObjectNode body) {
    json(ctx, status, Json.encode(body));
  }

  public static void message(RoutingContext ctx, String message) {
    ObjectNode body = Json.object();
    body.put("message", message);
    json(ctx, 200, body);
  }

  public static void detail(RoutingContext ctx, int status, String detail) {
    ObjectNode body = Json.object();
    body.put("detail", detail);
    json(ctx, status, body);
  }
}
