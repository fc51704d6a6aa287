package io.brinjal.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.api.Replies;
import io.brinjal.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /health/live} (the process serves HTTP: restart it if not) and
 * {@code GET /health/ready} ({@code 200} only while it should get traffic, {@code 503} while
 * starting or shutting down). Mounted on the server's root router, outside the API prefix.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  public static void mount(Router root, Readiness readiness) {
    root.get("/health/live").handler(ctx -> reply(ctx, 200, "up"));
    root.get("/health/ready").handler(ctx -> {
      Readiness.State state = readiness.state();
      reply(ctx, state == Readiness.State.READY ? 200 : 503, state.wire());
    });
  }

  private static void reply(RoutingContext ctx, int status, String state) {
    ObjectNode body = Json.object();
    body.put("status", state);
    Replies.json(ctx, status, body);
  }
}
