package io.brinjal.support;

import io.brinjal.Brinjal;
import io.brinjal.BrinjalVerticle;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigLoader;
import io.brinjal.metrics.BrinjalMetrics;
import io.brinjal.support.tasks.TestTasks;
import io.brinjal.task.TaskRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.brinjal.store.TaskStore;
import io.brinjal.store.TaskStores;
import io.vertx.core.Vertx;
import java.util.function.UnaryOperator;
import java.time.Clock;

/** A real Brinjal server on a random loopback port, with the test task types registered. */
public final class TestServer {
  private final BrinjalVerticle verticle;
  private final HttpProbe http;
  private final String deploymentId;

  private TestServer(BrinjalVerticle verticle, HttpProbe http, String deploymentId) {
    this.verticle = verticle;
    this.http = http;
    this.deploymentId = deploymentId;
  }

  public static TestServer start(Vertx vertx) {
    return start(vertx, "{}");
  }

  /** {@code configJson} is laid over the embedded defaults; host and port are forced to loopback:0. */
  public static TestServer start(Vertx vertx, String configJson) {
    return start(vertx, configJson, Clock.systemUTC());
  }

  /** With the clock that timestamps tasks and drives schedules. */
  public static TestServer start(Vertx vertx, String configJson, Clock clock) {
    return start(vertx, configJson, clock, BrinjalMetrics.newRegistry(), 0);
  }

  /** With the meter registry the caller's Vert.x reports to, to see Vert.x's own metrics. */
  public static TestServer start(Vertx vertx, String configJson, PrometheusMeterRegistry meters) {
    return start(vertx, configJson, Clock.systemUTC(), meters, 0);
  }

  /** On a given port: a server that comes back where its clients knew it. */
  public static TestServer startOnPort(Vertx vertx, String configJson, int port) {
    return start(vertx, configJson, Clock.systemUTC(), BrinjalMetrics.newRegistry(), port);
  }

  /** With the store {@code wrap} makes of the configured one (to count what the server asks of it). */
  public static TestServer startWrappingStore(Vertx vertx, String configJson, UnaryOperator<TaskStore> wrap) {
    return start(vertx, configJson, Clock.systemUTC(), BrinjalMetrics.newRegistry(), 0, wrap);
  }

  private static TestServer start(Vertx vertx, String configJson, Clock clock, PrometheusMeterRegistry meters, int port) {
    return start(vertx, configJson, clock, meters, port, null);
  }

  private static TestServer start(Vertx vertx, String configJson, Clock clock, PrometheusMeterRegistry meters, int port,
      UnaryOperator<TaskStore> wrap) {
    BrinjalConfig base = withOwnStoreFile(ConfigLoader.fromJson(configJson), configJson);
    BrinjalConfig config = base.withHttp(new BrinjalConfig.Http("127.0.0.1", port, base.http().prefix(),
        base.http().idleTimeoutSeconds(), base.http().instances(), base.http().headerTimeoutSeconds()));
    BrinjalVerticle verticle = new BrinjalVerticle(config, TestTasks.register(Brinjal.builtInTasks()), clock, meters,
        wrap == null ? null : context -> wrap.apply(TaskStores.fromConfig(vertx, context, config)));
    String id = HttpProbe.await(vertx.deployVerticle(verticle));
    return new TestServer(verticle, new HttpProbe(vertx, verticle.port()), id);
  }

  /**
   * The default store (SQLite) in a file of this server's own, unless the test's configuration
   * names a store: tests run against what users get, and never share a file.
   */
  private static BrinjalConfig withOwnStoreFile(BrinjalConfig config, String configJson) {
    if (configJson.contains("\"store\"")) return config;
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("brinjal-test-store-");
      dir.toFile().deleteOnExit();
      BrinjalConfig.Store store = config.store();
      return config.withStore(new BrinjalConfig.Store(store.type(), dir.resolve("brinjal.db").toString(),
          store.busyTimeoutMs(), store.synchronousFull()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Undeploys the server: its engine, its HTTP server and every open connection go away. */
  public void stop() {
    HttpProbe.await(http.vertx().undeploy(deploymentId));
  }

  public String deploymentId() {
    return deploymentId;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + http.port() + path;
  }

  public HttpProbe http() {
    return http;
  }

  public Brinjal brinjal() {
    return verticle.brinjal();
  }

  public BrinjalVerticle verticle() {
    return verticle;
  }

  public static TaskRegistry registry() {
    return TestTasks.register(Brinjal.builtInTasks());
  }
}
