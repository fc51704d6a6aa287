package io.brinjal.testkit;

import io.brinjal.BrinjalVerticle;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigLoader;
import io.brinjal.task.Task;
import io.brinjal.task.TaskProvider;
import io.brinjal.task.TaskRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Brinjal server for JUnit 5 tests, on a random loopback port, serving the test's own
 * task types (and no built-in ones) on a memory store:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BrinjalServerExtension server = BrinjalServerExtension.withTasks(GreetTask.class);
 *
 * @Test void greets(BrinjalClient client) {              // or server.client()
 *   JsonNode end = client.run(GreetTask.class, Map.of("name", "Ada"));
 *   assertEquals("done", end.get("status").asText());
 * }
 * }</pre>
 *
 * In a {@code static} field it serves every test of the class (started before all, stopped
 * after all); in an instance field it starts and stops around each test.
 */
public final class BrinjalServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final List<Class<? extends Task>> tasks = new ArrayList<>();
  private final List<TaskProvider> providers = new ArrayList<>();
  private String configJson = "{}";
  private Vertx vertx;
  private BrinjalVerticle verticle;
  private BrinjalClient client;
  private boolean perClass;

  private BrinjalServerExtension() {}

  @SafeVarargs
  public static BrinjalServerExtension withTasks(Class<? extends Task>... types) {
    BrinjalServerExtension extension = new BrinjalServerExtension();
    extension.tasks.addAll(List.of(types));
    return extension;
  }

  /** The task types these providers register, as the server's plugins would (e.g. your own provider). */
  public static BrinjalServerExtension withProviders(TaskProvider... providers) {
    BrinjalServerExtension extension = new BrinjalServerExtension();
    extension.providers.addAll(List.of(providers));
    return extension;
  }

  /**
   * Configuration laid over the defaults, as {@code conf/config.json} would be, e.g.
   * {@code {"semaphores": {"gpu": 1}}}. Host and port are always loopback and random; the
   * store is memory unless this names one.
   */
  public BrinjalServerExtension config(String json) {
    this.configJson = json;
    return this;
  }

  /** A client of the running server. */
  public BrinjalClient client() {
    if (client == null) throw new IllegalStateException("the server is not running (the extension starts it around tests)");
    return client;
  }

  /** The running server's base URI ({@code http://127.0.0.1:<port>} plus any prefix). */
  public URI baseUri() {
    return client().baseUri();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) stop();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == BrinjalClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return client();
  }

  // the test's thread, not an event loop: awaiting is allowed here
  private void start() {
    BrinjalConfig config = config();
    TaskRegistry registry = new TaskRegistry();
    tasks.forEach(registry::register);
    providers.forEach(p -> p.register(registry));
    vertx = Vertx.vertx();
    verticle = new BrinjalVerticle(config, registry);
    try {
      vertx.deployVerticle(verticle).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("the test server did not start: " + e.getMessage(), e);
    }
    client = new BrinjalClient(URI.create("http://127.0.0.1:" + verticle.port() + config.http().prefix()));
  }

  private BrinjalConfig config() {
    BrinjalConfig given = ConfigLoader.fromJson(configJson);
    BrinjalConfig.Http http = given.http();
    BrinjalConfig config = given.withHttp(new BrinjalConfig.Http("127.0.0.1", 0, http.prefix(), http.idleTimeoutSeconds(),
        1, http.headerTimeoutSeconds())); // one HTTP loop: tests want a light server
    if (!configJson.contains("\"shutdown\"")) config = config.withShutdown(new BrinjalConfig.Shutdown(0)); // tests end now
    if (configJson.contains("\"store\"")) return config;
    BrinjalConfig.Store store = config.store();
    return config.withStore(new BrinjalConfig.Store("memory", store.path(), store.busyTimeoutMs(), store.synchronousFull()));
  }

  private void stop() {
    if (vertx == null) return;
    try {
      verticle.shutdown().await(30, TimeUnit.SECONDS); // tasks still running are interrupted
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the test server did not stop cleanly: " + e.getMessage(), e);
    } finally {
      vertx = null;
      verticle = null;
      client = null;
    }
  }
}
