package io.brinjal.api;

import io.brinjal.config.BrinjalConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Cross-origin access for browsers on other origins; none unless origins are configured. */
final class Cors {
  private Cors() {}

  static Optional<CorsHandler> handler(BrinjalConfig.Cors config) {
    if (config.allowedOrigins().isEmpty()) return Optional.empty();
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS))
        .allowedHeaders(allowedHeaders())
        .allowCredentials(config.allowCredentials())
        .maxAgeSeconds(600);
    config.allowedOrigins().forEach(cors::addOrigin);
    return Optional.of(cors);
  }

  private static Set<String> allowedHeaders() {
    Set<String> headers = new java.util.LinkedHashSet<>(List.of("Authorization", "Content-Type", "Last-Event-ID"));
    headers.addAll(JobHeaders.ALL);
    return headers;
  }
}
