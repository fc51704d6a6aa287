package io.brinjal.metrics;

import io.brinjal.api.Failures;
import io.vertx.ext.web.Router;

/** {@code GET /metrics}: the Prometheus text format, on the server's root router. */
public final class MetricsRoutes {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsRoutes() {}

  public static void mount(Router root, BrinjalMetrics metrics) {
    root.get("/metrics")
        .handler(ctx -> metrics.scrape()
            .onSuccess(text -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(text))
            .onFailure(ctx::fail))
        .failureHandler(Failures::handle);
  }
}
