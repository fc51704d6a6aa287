package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.Browser;
import io.brinjal.support.HostApplication;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests shaped exactly like brinjal's own frontend, from a page on another origin, in real
 * Chromium (issue 15): a credentialed EventSource on the queue stream, and the "Add Recurring
 * CPU Task" POST with query parameters only. A listed origin gets live events; an unlisted
 * one gets none (the browser blocks the stream).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CrossOriginBrowserTest {
  private static Browser browser;

  @BeforeAll
  static void startBrowser(@TempDir Path profile) {
    Browser.assumeInstalled();
    browser = Browser.start(profile);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) browser.close();
  }

  /** A blank page on its own origin (another port): the frontend's page. */
  private static String pageOrigin(Vertx vertx) {
    HostApplication page = HostApplication.deploy(vertx, app -> app.get("/page").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8").end("<!doctype html><title>Frontend</title><p>frontend")));
    return "http://127.0.0.1:" + page.port();
  }

  private static Object js(String script, Object... args) {
    return browser.driver().executeScript(script, args);
  }

  /** Opens the stream as brinjal's TaskList.js does and records what arrives. */
  private static void openStream(String api) {
    js("window.events = []; window.errors = 0; window.opened = false;"
        + "const es = new EventSource(arguments[0] + '/queue/stream', {withCredentials: true});"
        + "es.onopen = () => { window.opened = true; };"
        + "es.onmessage = e => window.events.push(e.data);"
        + "for (const t of ['queue_updated', 'task_added', 'task_removed'])"
        + "  es.addEventListener(t, e => window.events.push(e.data));"
        + "es.onerror = () => { window.errors++; };"
        + "window.stream = es;", api);
  }

  @Test
  void aListedOriginGetsLiveEventsOverACredentialedEventSourceAndSchedulesWithQueryParameters(Vertx vertx) {
    String origin = pageOrigin(vertx);
    TestServer server = TestServer.start(vertx, "{\"cors\": {\"allowed_origins\": [\"" + origin + "\"]}}");
    String api = server.url("").replaceAll("/$", "");
    browser.open(origin + "/page");
    openStream(api);
    await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(js("return window.opened")));

    String id = server.http().create("noop_task", null); // created after the stream opened: a live event
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> Boolean.TRUE.equals(js("return window.events.some(d => d.includes(arguments[0]))", id)));

    // "Add Recurring CPU Task": query parameters only, no body, credentials included
    Object status = ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
        + "fetch(arguments[0] + '/recurring/ExampleCPUTask?cron_expression=' + encodeURIComponent('*/5 * * * *')"
        + " + '&max_concurrent=1&name=Recurring%20CPU%20Task', {method: 'POST', credentials: 'include'})"
        + ".then(r => r.text().then(t => done(r.status + ' ' + t)), e => done('blocked ' + e));", api);
    assertTrue(String.valueOf(status).startsWith("200 "), String.valueOf(status));
    com.fasterxml.jackson.databind.JsonNode schedule = server.http().get("/recurring").json().get(0);
    assertEquals("Recurring CPU Task", schedule.path("params").path("name").asText(), schedule.toString());
    assertEquals(1, schedule.path("max_concurrent").asInt(), schedule.toString());
    js("window.stream.close()");
  }

  @Test
  void anUnlistedOriginGetsNoEvents(Vertx vertx) {
    String origin = pageOrigin(vertx);
    TestServer server = TestServer.start(vertx, "{\"cors\": {\"allowed_origins\": [\"http://app.example\"]}}");
    String api = server.url("").replaceAll("/$", "");
    browser.open(origin + "/page");
    openStream(api);
    // the browser refuses the stream for good: an error, never an open, and no reconnecting (CLOSED)
    await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) js("return window.errors")).intValue() > 0
        && ((Number) js("return window.stream.readyState")).intValue() == 2);
    server.http().create("noop_task", null);
    assertEquals(Boolean.FALSE, js("return window.opened"));
    assertEquals(0L, js("return window.events.length"));
    js("window.stream.close()");
  }
}
