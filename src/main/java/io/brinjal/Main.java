package io.brinjal;

import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigException;
import io.brinjal.config.ConfigLoader;
import io.brinjal.metrics.BrinjalMetrics;
import io.brinjal.metrics.LogSetup;
import io.brinjal.plugins.PluginException;
import io.brinjal.plugins.ServerTasks;
import io.brinjal.store.StoreOpenException;
import io.brinjal.task.TaskRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar brinjal.jar}: load config, deploy the server, stop gracefully on SIGTERM. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** Beyond the grace period: for tasks that ignore the interrupt. Then the process ends anyway. */
  private static final long INTERRUPT_WAIT_SECONDS = 10;

  private Main() {}

  public static void main(String[] args) {
    BrinjalConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      System.err.println("brinjal: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.applyFormat(config.logging().format());
    TaskRegistry tasks;
    try {
      tasks = ServerTasks.load(config.tasks()); // built-ins, then the classpath's and the plugins folder's providers
    } catch (ConfigException e) {
      System.err.println("brinjal: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (PluginException e) {
      System.err.println("brinjal: task plugin error: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry meters = BrinjalMetrics.newRegistry();
    Vertx vertx = vertxReportingTo(meters);
    BrinjalVerticle verticle = new BrinjalVerticle(config, tasks, Clock.systemUTC(), meters);
    String deployment;
    try {
      deployment = vertx.deployVerticle(verticle).await(); // main thread: awaiting is allowed here
    } catch (ConfigException e) { // a configured or stored schedule refused by its task type
      System.err.println("brinjal: configuration error: " + e.getMessage());
      vertx.close().await();
      System.exit(2);
      return;
    } catch (StoreOpenException e) { // a store file that cannot be opened, is not ours, or a folder not writable
      System.err.println("brinjal: cannot use the task store: " + e.getMessage());
      vertx.close().await();
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("start-up failed: {}", e.getMessage(), e);
      vertx.close().await();
      LogSetup.stop();
      System.exit(1);
      return;
    }
    LOG.info("Brinjal listening on http://{}:{}{}/ ({} HTTP event loops, semaphores {})", config.http().host(),
        verticle.port(), config.http().prefix(), config.http().resolvedInstances(), config.semaphores());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop(vertx, verticle, deployment, config);
      LogSetup.stop(); // the asynchronous appender's queue, written out before the JVM goes
    }, "brinjal-shutdown"));
  }

  /** Vert.x with its HTTP server (and pool, event bus) meters in Brinjal's registry. */
  static Vertx vertxReportingTo(PrometheusMeterRegistry meters) {
    // vertx-micrometer-metrics keeps registries in a static map by name: one name per Vertx
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true)
        .setRegistryName("brinjal-" + UUID.randomUUID());
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(meters))
        .build();
  }

  /**
   * SIGTERM (or the end of main): the graceful stop, bounded; then the server is undeployed,
   * which closes the store once every write asked of it is stored (the ends of instances the
   * stop cancelled, their schedules' counters), and only then Vert.x, whose file system and
   * worker pools those writes need.
   */
  static void stop(Vertx vertx, BrinjalVerticle verticle, String deployment, BrinjalConfig config) {
    try {
      verticle.shutdown().await(config.shutdown().graceSeconds() + INTERRUPT_WAIT_SECONDS, TimeUnit.SECONDS);
      LOG.info("no task is running any more; stopping");
    } catch (Exception e) {
      LOG.warn("tasks still running after the grace period and {} s more; stopping anyway", INTERRUPT_WAIT_SECONDS);
    }
    try {
      vertx.undeploy(deployment).await(INTERRUPT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("the server did not stop cleanly: {}", e.toString());
    }
    try {
      vertx.close().await(INTERRUPT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }
}
