package io.brinjal.api;

import io.brinjal.config.BrinjalConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-origin access for browsers on other origins; none unless origins are configured.
 * Origins listed by name get credentials unless configured otherwise (see
 * {@link BrinjalConfig.Cors}); the server's own origin never goes through CORS at all, so
 * listing others cannot lock out its own dashboard.
 */
final class Cors {
  private Cors() {}

  static Optional<Handler<RoutingContext>> handler(BrinjalConfig.Cors config) {
    if (config.allowedOrigins().isEmpty()) return Optional.empty();
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS))
        .allowedHeaders(allowedHeaders())
        .allowCredentials(config.allowCredentials())
        .maxAgeSeconds(600);
    config.allowedOrigins().forEach(cors::addOrigin);
    return Optional.of(ctx -> {
      if (Origins.isOwn(ctx.request())) ctx.next(); // same origin: not a CORS request
      else cors.handle(ctx);
    });
  }

  private static Set<String> allowedHeaders() {
    Set<String> headers = new java.util.LinkedHashSet<>(List.of("Authorization", "Content-Type", "Last-Event-ID"));
    headers.addAll(JobHeaders.ALL);
    return headers;
  }
}
