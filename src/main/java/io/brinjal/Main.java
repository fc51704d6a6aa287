package io.brinjal;

import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigException;
import io.brinjal.config.ConfigLoader;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar brinjal.jar}: load config, deploy the server, wait. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

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
    Vertx vertx = Vertx.vertx();
    BrinjalVerticle verticle = new BrinjalVerticle(config, Brinjal.builtInTasks());
    try {
      vertx.deployVerticle(verticle).await(); // main thread: awaiting is allowed here
    } catch (ConfigException e) { // a configured schedule refused by its task type
      System.err.println("brinjal: configuration error: " + e.getMessage());
      vertx.close().await();
      System.exit(2);
    } catch (Exception e) {
      LOG.error("start-up failed: {}", e.getMessage(), e);
      vertx.close().await();
      System.exit(1);
    }
    LOG.info("Brinjal listening on http://{}:{}{}/ (semaphores {})", config.http().host(),
        verticle.port(), config.http().prefix(), config.semaphores());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "brinjal-shutdown"));
  }
}
