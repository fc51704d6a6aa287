package io.brinjal;

import io.brinjal.api.Failures;
import io.brinjal.api.InvalidRequests;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.task.TaskRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * The standalone server: one instance owns the engine (its event loop is the engine's loop)
 * and the HTTP server, so request handlers and engine state share a thread.
 */
public final class BrinjalVerticle extends VerticleBase {
  private final BrinjalConfig config;
  private final TaskRegistry registry;
  private final Clock clock;
  private Brinjal brinjal;
  private HttpServer server;

  public BrinjalVerticle(BrinjalConfig config, TaskRegistry registry) {
    this(config, registry, Clock.systemUTC());
  }

  /** With the clock that timestamps tasks and drives schedules (tests move it). */
  public BrinjalVerticle(BrinjalConfig config, TaskRegistry registry, Clock clock) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    brinjal = Brinjal.create(vertx, config, registry, clock);
    Router root = Router.router(vertx);
    String prefix = config.http().prefix();
    root.route(prefix + "/*").subRouter(brinjal.router());
    Failures.install(root);
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout(config.http().idleTimeoutSeconds()) // stalled clients; streams send keep-alives
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    return vertx.createHttpServer(options)
        .invalidRequestHandler(InvalidRequests::handle)
        .requestHandler(root)
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> server = s);
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
