package io.brinjal.metrics;

import io.brinjal.api.AccessGuard;
import io.brinjal.api.Failures;
import io.vertx.ext.web.Router;

/** {@code GET /metrics}: the Prometheus text format, on the server's root router. */
public final class MetricsRoutes {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsRoutes() {}

  /** {@code guard} may be disabled (no token): then anyone who reaches the port may scrape. */
  public static void mount(Router root, BrinjalMetrics metrics, AccessGuard guard) {
    var route = root.get("/metrics");
    if (guard.enabled()) route.handler(guard::check);
    route.handler(ctx -> metrics.scrape()
        .onSuccess(text -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(text))
        .onFailure(ctx::fail));
    route.failureHandler(Failures::handle);
  }
}
