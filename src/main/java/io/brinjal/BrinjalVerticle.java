package io.brinjal;

import io.brinjal.api.Failures;
import io.brinjal.api.InvalidRequests;
import io.brinjal.api.UiRoutes;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.metrics.BrinjalMetrics;
import io.brinjal.task.TaskRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;

/**
 * The standalone server: one instance owns the engine (its event loop is the engine's loop)
 * and the HTTP server, so request handlers and engine state share a thread. {@code /metrics}
 * and {@code /health/*} sit on the root router, outside the API prefix.
 */
public final class BrinjalVerticle extends VerticleBase {
  private final BrinjalConfig config;
  private final TaskRegistry registry;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private Brinjal brinjal;
  private HttpServer server;

  public BrinjalVerticle(BrinjalConfig config, TaskRegistry registry) {
    this(config, registry, Clock.systemUTC());
  }

  /** With the clock that timestamps tasks and drives schedules (tests move it). */
  public BrinjalVerticle(BrinjalConfig config, TaskRegistry registry, Clock clock) {
    this(config, registry, clock, BrinjalMetrics.newRegistry());
  }

  /**
   * With a meter registry: the one Vert.x reports its own metrics to (see Main), or a new one
   * (JVM and Brinjal meters, no Vert.x HTTP meters).
   */
  public BrinjalVerticle(BrinjalConfig config, TaskRegistry registry, Clock clock, PrometheusMeterRegistry meters) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    brinjal = Brinjal.create(vertx, config, registry, clock, meters);
    Router root = Router.router(vertx);
    brinjal.mountOperations(root); // before the API: with an empty prefix it would match too
    String prefix = config.http().prefix();
    root.route(prefix + "/*").subRouter(brinjal.router());
    if (!prefix.isEmpty()) root.get(prefix).handler(UiRoutes::redirectToDirectory); // the dashboard
    Failures.install(root);
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout(config.http().idleTimeoutSeconds()) // stalled clients; streams send keep-alives
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    return vertx.createHttpServer(options)
        .invalidRequestHandler(InvalidRequests::handle)
        .requestHandler(root)
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> {
          server = s;
          brinjal.readiness().markReady();
        });
  }

  /** What SIGTERM runs (see Main): the graceful stop with the configured grace period. */
  public Future<Void> shutdown() {
    return brinjal.shutdown(Duration.ofSeconds(config.shutdown().graceSeconds()));
  }

  @Override
  public Future<?> stop() {
    return brinjal.close();
  }

  public Brinjal brinjal() {
    return brinjal;
  }

  /** The bound port (useful when the configured port is 0). */
  public int port() {
    return server.actualPort();
  }
}
