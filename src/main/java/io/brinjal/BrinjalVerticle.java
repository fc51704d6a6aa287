package io.brinjal;

import io.brinjal.api.Failures;
import io.brinjal.api.UiRoutes;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.metrics.BrinjalMetrics;
import io.brinjal.store.TaskStore;
import io.brinjal.task.TaskRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The standalone server: it owns the engine (its event loop is the engine's loop) and serves
 * HTTP on {@code http.instances} event loops (see {@link HttpListener}); request handlers reach
 * the engine only through futures. {@code /metrics} and {@code /health/*} sit on the root
 * router, outside the API prefix. The extra listeners are child deployments: undeploying this
 * verticle closes them too.
 */
public final class BrinjalVerticle extends VerticleBase {
  private final BrinjalConfig config;
  private final TaskRegistry registry;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private final Function<Context, TaskStore> storeFactory; // null: the one store.type names
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
    this(config, registry, clock, meters, null);
  }

  /**
   * With a store of the caller's making instead of the one {@code store.type} names; the factory
   * gets the verticle's context (which a memory store is confined to).
   */
  public BrinjalVerticle(BrinjalConfig config, TaskRegistry registry, Clock clock, PrometheusMeterRegistry meters,
      Function<Context, TaskStore> storeFactory) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
    this.meters = meters;
    this.storeFactory = storeFactory;
  }

  @Override
  public Future<?> start() {
    brinjal = Brinjal.create(vertx, config, registry, clock, meters,
        storeFactory == null ? null : storeFactory.apply(context));
    Router root = Router.router(vertx);
    brinjal.mountOperations(root); // before the API: with an empty prefix it would match too
    String prefix = config.http().prefix();
    // the dashboard, like its pages, needs no token: before the API, whose "/*" matches it too
    if (!prefix.isEmpty()) root.get(prefix).handler(UiRoutes::redirectToDirectory);
    root.route(prefix + "/*").subRouter(brinjal.router());
    Failures.install(root);
    BrinjalConfig.Http http = config.http();
    int port = HttpListener.portToShare(http);
    int more = http.resolvedInstances() - 1;
    // the first server on this verticle's loop (the engine's), the others on loops of their own
    return brinjal.started()
        .compose(v -> HttpListener.listen(vertx, root, http, port))
        .compose(s -> {
          server = s;
          return more == 0 ? Future.succeededFuture()
              : vertx.deployVerticle(() -> new HttpListener(root, http, port), new DeploymentOptions().setInstances(more));
        })
        .onSuccess(v -> brinjal.readiness().markReady());
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
