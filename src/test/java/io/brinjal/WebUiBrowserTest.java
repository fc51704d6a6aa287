package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.Browser;
import io.brinjal.support.HostApplication;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.brinjal.streaming.Transport;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard, the demo page and the {@code <task-list>} component in a real browser: what a
 * user sees and clicks, the one connection it holds, and that task text never runs as markup.
 * Screenshots go to {@code target/screenshots/}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebUiBrowserTest {
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

  @AfterEach
  void leavePage() {
    if (browser != null) browser.open("about:blank"); // closes the page's connection
  }

  @Test
  void aTaskCreatedFromTheFormRunsToDoneAndABadValueShowsTheServersDetail(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    openDashboard(server.url("/"));
    // same origin: TaskList.css, fetched once, is adopted into the shadow root
    assertEquals("1 0", browser.text("return root.adoptedStyleSheets.length + ' ' + root.querySelectorAll('link').length"));

    new Select(browser.find("select[name=task_type]")).selectByVisibleText("ExampleCPUTask");
    type(browser.find("input[name=failure_probability]"), "5");
    browser.find("button.create").click();
    awaitText("root.querySelector('.form-error:not([hidden])')?.textContent",
        "parameter 'failure_probability' must be between 0 and 1");

    type(browser.find("input[name=failure_probability]"), "0");
    type(browser.find("input[name=sleep_time]"), "0.001");
    type(browser.find("input[name=name]"), "Made in the form");
    browser.find("button.create").click();

    String id = awaitText("return [...root.querySelectorAll('article')].map(a => a.dataset.taskId)[0]", null);
    awaitCard(id, ".heading", "Made in the form");
    awaitCard(id, ".badge", "DONE");
    assertEquals("100%", card(id, ".percent"));
    assertEquals("100", browser.text("return root.querySelector(`article[data-task-id='${arguments[0]}'] .bar`)"
        + ".getAttribute('aria-valuenow')", id));
    JsonNode params = server.http().get("/" + id).json().get("params");
    assertEquals(0.001, params.get("sleep_time").doubleValue(), "a number, not a string");
    assertEquals("Made in the form", params.get("name").textValue());

    browser.find("article[data-task-id='" + id + "'] .danger").click();
    awaitTrue("return root.querySelector(`article[data-task-id='${arguments[0]}']`) === null", id);
    assertEquals(404, server.http().get("/" + id).status());
  }

  @Test
  void theFormsJobOptionsScheduleATaskAndCardsShowItsTimeAttemptsAndPriority(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"retry\": {\"base_seconds\": 600, \"max_seconds\": 600}}");
    openDashboard(server.url("/"));
    new Select(browser.find("select[name=task_type]")).selectByVisibleText("NoopTask");
    browser.find("details.job-options summary").click();
    type(browser.find("input[name=option-priority]"), "500");
    browser.find("button.create").click();
    awaitTrue("return root.querySelector('.form-error:not([hidden])')?.textContent.includes('Brinjal-Priority')");

    type(browser.find("input[name=option-delay]"), "600");
    type(browser.find("input[name=option-priority]"), "5");
    type(browser.find("input[name=option-attempts]"), "3");
    browser.find("button.create").click();
    String id = awaitText("return [...root.querySelectorAll('article')].map(a => a.dataset.taskId)[0]", null);
    awaitCard(id, ".badge", "SCHEDULED");
    JsonNode task = server.http().task(id);
    assertEquals("scheduled", task.get("status").asText());
    assertEquals(5, task.get("priority").asInt());
    assertEquals(3, task.get("max_attempts").asInt());
    String times = card(id, ".times");
    assertTrue(times.startsWith("Runs at ") && times.contains("priority +5"), times);

    // a failed attempt waiting for its next one: attempt n / max on its card
    Reply flaky = server.http().send(io.vertx.core.http.HttpMethod.POST, "/flaky_task",
        "{\"key\": \"" + java.util.UUID.randomUUID() + "\", \"failures\": 5}", java.util.Map.of("Brinjal-Max-Attempts", "3"));
    String retrying = flaky.json().get("task_id").asText();
    awaitCard(retrying, ".badge", "SCHEDULED");
    awaitTrue("return root.querySelector(`article[data-task-id='${arguments[0]}'] .times`).textContent.includes('attempt 1 / 3')",
        retrying);
    browser.find("article[data-task-id='" + id + "'] [aria-label=Cancel]").click();
    awaitCard(id, ".badge", "CANCELLED");
  }

  @Test
  void theDashboardShowsEveryStateAndAFailedTaskOpensItsTraceback(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    HttpProbe http = server.http();
    String gate = Gates.newGate();
    http.create("example_io_task", "{\"sleep_time\": 0.001}");
    http.create("example_io_task", "{\"sleep_time\": 0.002}");
    String failed = http.create("failing_task", "{\"message\": \"disk quota exceeded while writing frame 118\"}");
    String spinning = http.create("indeterminate_task",
        "{\"gate\": \"" + gate + "\", \"heading\": \"Indexing the archive\", \"body\": \"Counting files…\"}");
    String running = http.create("example_cpu_task", "{\"name\": \"Rendering frames\", \"sleep_time\": 0.08}");
    String queued = http.create("example_cpu_task", "{\"name\": \"Next in line\"}");
    openDashboard(server.url("/"));

    awaitCard(failed, ".badge", "FAILED");
    awaitCard(queued, ".badge", "QUEUED");
    awaitTrue("return root.querySelector(`article[data-task-id='${arguments[0]}'] .bar`)"
        + ".classList.contains('indeterminate')", spinning);
    await().atMost(Duration.ofSeconds(20)).until(() -> percent(running) >= 40);
    assertEquals("2", browser.text("return root.querySelector('[data-filter=done] .count').textContent"));
    awaitText("root.querySelector('[data-semaphore=single] .numbers').textContent", "1 / 1 running · 1 waiting");
    browser.screenshot("dashboard");

    browser.find("article[data-task-id='" + failed + "'] .heading").click();
    awaitTrue("return root.querySelector('dialog').open");
    assertEquals("IllegalArgumentException", browser.text("return root.querySelector('.error-type').textContent"));
    assertEquals("disk quota exceeded while writing frame 118",
        browser.text("return root.querySelector('.error-message').textContent"));
    String trace = browser.text("return root.querySelector('.trace').textContent");
    assertTrue(trace.contains("at io.brinjal.support.tasks.FailingTask.run("), trace);
    browser.screenshot("error-dialog");

    WebElement copy = browser.find("button.copy");
    copy.click();
    awaitTrue("return !root.querySelector('button.copy').textContent.endsWith('Copy')");
    browser.find("dialog .icon-btn[aria-label=Close]").click();
    awaitTrue("return !root.querySelector('dialog').open");

    browser.find("article[data-task-id='" + queued + "'] [aria-label=Cancel]").click();
    awaitCard(queued, ".badge", "CANCELLED");
    Gates.open(gate);
  }

  @Test
  void taskTextIsShownAsTextAndNeverRuns(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    String title = openDashboard(server.url("/"));
    String id = server.http().create("xss_task", null);

    awaitCard(id, ".badge", "FAILED");
    assertEquals("<img src=x onerror=alert(1)>", card(id, ".heading"));
    assertEquals("failed: <a href=\"javascript:alert(4)\">click</a> <svg onload=alert(5)>", card(id, ".body"));
    assertEquals(0L, browser.inComponent("return root.querySelectorAll('article img[src], article a, article svg:not(.icon), "
        + "article script').length"), "no element came from the task's text; the javascript: image was refused");
    browser.find("article[data-task-id='" + id + "']").click();
    awaitTrue("return root.querySelector('dialog').open");
    assertEquals("<script>alert(3)</script><b>not bold</b>", browser.text("return root.querySelector('.error-message').textContent"));
    assertEquals(0L, browser.inComponent("return root.querySelectorAll('dialog script, dialog b, dialog img').length"));
    assertThrows(NoAlertPresentException.class, () -> browser.driver().switchTo().alert());
    assertEquals(title, browser.driver().getTitle());

    // an ordinary relative image URL is shown
    String pictured = server.http().create("xss_task", "{\"heading\": \"With a picture\", \"img\": \"static/favicon.svg\"}");
    awaitTrue("const img = root.querySelector(`article[data-task-id='${arguments[0]}'] img.thumb`);"
        + "return !img.hidden && img.complete && img.naturalWidth > 0", pictured);
  }

  @Test
  void thirtyTasksCreatedAtOnceAllUpdateLiveOverOneConnection(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"retention\": {\"done\": 30}}"); // all 30 stay listed
    openDashboard(server.url("/"));
    browser.networkEvents(); // forget the page load
    browser.inComponent("window.updates = {}; host.addEventListener('task-updated', "
        + "e => { updates[e.detail.task_id] = (updates[e.detail.task_id] || 0) + 1; });");

    List<Future<Reply>> creates = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      creates.add(server.http().sendAsync(HttpMethod.POST, "/example_io_task",
          Buffer.buffer("{\"sleep_time\": 0.002}"), Map.of("Content-Type", "application/json")));
    }
    List<String> ids = new ArrayList<>();
    for (var reply : HttpProbe.await(Future.all(creates)).<Reply>list()) {
      ids.add(reply.json().get("task_id").asText());
    }

    AtomicInteger mostStreams = new AtomicInteger();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      mostStreams.accumulateAndGet(server.brinjal().streams().openStreams(), Math::max);
      return 30L == (Long) browser.inComponent("return [...root.querySelectorAll('article')].filter(a => "
          + "a.querySelector('.badge').textContent === 'DONE' && a.querySelector('.percent').textContent === '100%').length");
    });
    assertEquals(1, mostStreams.get(), "one stream connection for the whole page");
    assertEquals(1, server.brinjal().streams().openStreams());
    for (String id : ids) {
      long updates = (Long) browser.inComponent("return window.updates[arguments[0]] || 0", id);
      assertTrue(updates >= 2, "task " + id + " was followed live (running, then done): " + updates + " updates");
    }
    List<JsonNode> network = browser.networkEvents();
    assertEquals(0, network.stream().filter(e -> e.path("method").asText().equals("Network.webSocketCreated")).count(),
        "no new WebSocket while 30 tasks ran");
    assertEquals(0, network.stream().filter(e -> e.path("params").path("type").asText().equals("EventSource")).count(),
        "no EventSource at all");

    browser.find("button.delete-completed").click();
    awaitTrue("return root.querySelectorAll('article').length === 0");
    assertEquals(0, server.http().get("/queue").json().size());
  }

  @Test
  void underAMountPrefixTheDashboardAndTheDemoPageWork(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"http\": {\"prefix\": \"/api/tasks\"}}");
    openDashboard(server.url("/api/tasks")); // redirected to /api/tasks/
    assertEquals(server.url("/api/tasks/"), browser.driver().getCurrentUrl());
    assertEquals("websocket", browser.text("return host.dataset.transport"));

    browser.open(server.url("/api/tasks/test"));
    awaitTrue("return host && host.dataset.connection === 'live'");
    browser.driver().findElement(By.cssSelector("[data-demo=io]")).click();
    String created = await().atMost(Duration.ofSeconds(10)).until(this::demoStatus, s -> s.startsWith("Created task "));
    String id = created.substring("Created task ".length());
    awaitCard(id, ".badge", "DONE");

    // recurring schedules may not be on this server: the page says what the server said
    browser.driver().findElement(By.cssSelector("[data-demo=recurring]")).click();
    String answer = await().atMost(Duration.ofSeconds(10)).until(this::demoStatus, s -> !s.isEmpty() && !s.equals("Sending…"));
    assertTrue(answer.startsWith("Scheduled ") || answer.startsWith("Refused ("), answer);
    browser.find(".tab:nth-child(2)").click();
    String recurring = await().atMost(Duration.ofSeconds(10)).until(
        () -> browser.text("return root.querySelector('.view:not([hidden])').textContent"), s -> !s.isEmpty());
    assertTrue(recurring.contains("Recurring schedules are not available on this server")
        || recurring.contains("Schedule") || recurring.contains("No recurring schedules"), recurring);
    browser.assertAllRequestsStayedLocal();
  }

  @Test
  void aPageOnAnotherOriginEmbedsTheComponentWithOneScriptTagAndGetsItsStyles(Vertx vertx) {
    // the embedding page's server, on another port: another origin
    AtomicReference<String> api = new AtomicReference<>();
    HostApplication page = HostApplication.deploy(vertx, app -> app.get("/embed").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<!doctype html><title>Embedded</title><script src=\"" + api.get() + "/static/TaskList.js\" defer></script>"
            + "<task-list base_url=\"" + api.get() + "\" hide=\"form\"></task-list>")));
    String pageOrigin = "http://127.0.0.1:" + page.port();
    TestServer server = TestServer.start(vertx, "{\"cors\": {\"allowed_origins\": [\"" + pageOrigin + "\"]}}");
    api.set(server.url("").replaceAll("/$", ""));

    openDashboard(pageOrigin + "/embed");
    String id = server.http().create("noop_task", null);
    awaitCard(id, ".badge", "DONE");

    // its parts came from the API's origin as classic scripts, its stylesheet through a <link>
    // (a fetch would need CORS on the static files), and the styles apply
    assertEquals(api.get() + "/static/TaskList.css", browser.text("return root.querySelector('link[rel=stylesheet]').href"));
    awaitTrue("return getComputedStyle(root.querySelector('.list')).flexDirection === 'column'");
    assertEquals("flex", browser.text("return getComputedStyle(root.querySelector('.list')).display"));
  }

  @Test
  void whereWebSocketsAreRefusedOneEventStreamCarriesEverything(Vertx vertx) {
    // refuses WebSocket upgrades, as some proxies do, and has no /recurring, as an older server
    HostApplication host = HostApplication.deploy(vertx, app -> {
      app.get("/jobs/ws").handler(ctx -> ctx.response().setStatusCode(403).end("no WebSockets here"));
      app.get("/jobs/recurring").handler(ctx -> ctx.response().setStatusCode(404)
          .putHeader("Content-Type", "application/json").end("{\"detail\":\"no route for GET /jobs/recurring\"}"));
    });
    String base = "http://127.0.0.1:" + host.port();
    openDashboard(base + "/jobs/");
    assertEquals("sse", browser.text("return host.dataset.transport"));

    HttpProbe http = new HttpProbe(vertx, host.port());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(http.create("jobs/example_io_task", "{\"sleep_time\": 0.001}"));
    for (String id : ids) awaitCard(id, ".badge", "DONE");
    assertEquals(1, host.brinjal().streams().openStreams(), "one SSE stream for every task");
    assertEquals(1, host.brinjal().streams().stats(Transport.SSE).open());

    browser.find(".tab:nth-child(2)").click();
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("return root.querySelector('.view:not([hidden])').textContent"),
        t -> t.contains("Recurring schedules are not available on this server"));
  }

  @Test
  void theRecurringTabListsSchedulesAndSwitchesThemOffAndOn(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    Reply created = server.http().postJson("/recurring/ExampleCPUTask?cron_expression=0%200%201%201%20*", "{\"name\": \"New year\"}");
    assertEquals(200, created.status(), created.toString());
    String id = created.json().get("recurring_id").asText();
    openDashboard(server.url("/"));
    browser.find(".tab:nth-child(2)").click();
    String row = "tr[data-recurring-id='" + id + "']";
    awaitTrue("return root.querySelector(arguments[0] + ' .toggle')?.textContent === 'Enabled'", row);
    assertTrue(browser.text("return root.querySelector(arguments[0]).textContent", row).contains("0 0 1 1 *"));
    browser.screenshot("recurring");

    browser.find(row + " .toggle").click();
    awaitTrue("return root.querySelector(arguments[0] + ' .toggle')?.textContent === 'Disabled'", row);
    assertFalse(server.http().get("/recurring/" + id).json().get("enabled").asBoolean());
    browser.find(row + " .toggle").click();
    awaitTrue("return root.querySelector(arguments[0] + ' .toggle')?.textContent === 'Enabled'", row);
    assertTrue(server.http().get("/recurring/" + id).json().get("enabled").asBoolean());

    browser.find(row + " .danger").click();
    awaitTrue("return root.querySelector(arguments[0]) === null", row);
    assertEquals(404, server.http().get("/recurring/" + id).status());
  }

  @Test
  void aServerThatWantsATokenGetsOneThroughThePrompt(Vertx vertx) {
    String token = "correct-horse-battery-staple";
    TestServer server = TestServer.start(vertx, "{\"auth\": {\"token\": \"" + token + "\"}}");
    browser.open(server.url("/"));
    awaitTrue("return host.dataset.connection === 'auth'");

    type(browser.find("input[name=token]"), "not-the-token-at-all");
    browser.find("form.auth button").click();
    awaitText("root.querySelector('form.auth .form-error:not([hidden])')?.textContent", "The server refused this token.");
    type(browser.find("input[name=token]"), token);
    browser.find("form.auth button").click();
    awaitTrue("return host.dataset.connection === 'live'");

    Reply created = server.http().send(HttpMethod.POST, "/noop_task", null, Map.of("Authorization", "Bearer " + token));
    awaitCard(created.json().get("task_id").asText(), ".badge", "DONE");
    browser.open(server.url("/"));
    awaitTrue("return host.dataset.connection === 'live'"); // the tab remembers it
  }

  @Test
  void theSemaphorePanelChangesALimitWithTheTokenAndShowsWhyABadOneIsRefused(Vertx vertx) {
    String token = "semaphore-panel-token-for-tests";
    TestServer server = TestServer.start(vertx, "{\"auth\": {\"token\": \"" + token + "\"}}");
    browser.open(server.url("/"));
    awaitTrue("return host.dataset.connection === 'auth'");
    type(browser.find("input[name=token]"), token);
    browser.find("form.auth button").click();
    awaitTrue("return host.dataset.connection === 'live'");
    awaitTrue("return root.querySelector('[data-semaphore=single] input.limit-input') !== null");

    type(browser.find("[data-semaphore=single] input.limit-input"), "3");
    browser.find("[data-semaphore=single] .limit-form button").click();
    awaitText("root.querySelector('[data-semaphore=single] .numbers').textContent",
        "0 / 3 running · 0 waiting (configured 1)");
    Reply listed = server.http().send(HttpMethod.GET, "/semaphores", null, Map.of("Authorization", "Bearer " + token));
    assertEquals(3, listed.json().get(0).get("limit").asInt(), listed.toString());
    browser.screenshot("semaphore-limit");

    type(browser.find("[data-semaphore=single] input.limit-input"), "0");
    browser.find("[data-semaphore=single] .limit-form button").click();
    awaitText("root.querySelector('.notice:not([hidden])')?.textContent", "limit must be an integer from 1 to 10000, got 0");
  }

  @Test
  void afterTheServerComesBackTheListIsWholeAgain(Vertx vertx) {
    TestServer first = TestServer.start(vertx);
    int port = first.http().port();
    String old = first.http().create("noop_task", null);
    openDashboard(first.url("/"));
    awaitCard(old, ".badge", "DONE");

    first.stop();
    awaitTrue("return host.dataset.connection === 'reconnecting'");
    TestServer second = TestServer.startOnPort(vertx, "{}", port);
    String fresh = second.http().create("noop_task", null);

    awaitCard(fresh, ".badge", "DONE");
    awaitTrue("return host.dataset.connection === 'live'");
    assertEquals(0L, browser.inComponent("return root.querySelectorAll(`article[data-task-id='${arguments[0]}']`).length", old),
        "a task the new server does not know is gone from the list");
    assertEquals(1, second.brinjal().streams().openStreams());
  }

  // ---------------------------------------------------------------- helpers

  /** Opens a page with the component and waits until it is live; returns the page title. */
  private static String openDashboard(String url) {
    browser.open(url);
    awaitTrue("return host && host.dataset.connection === 'live'");
    return browser.driver().getTitle();
  }

  private static void type(WebElement input, String value) {
    input.clear();
    input.sendKeys(value);
  }

  private static String card(String id, String css) {
    return browser.text("return root.querySelector(`article[data-task-id='${arguments[0]}'] " + css + "`)?.textContent", id);
  }

  private static int percent(String id) {
    String text = card(id, ".percent");
    return text == null || !text.endsWith("%") ? -1 : Integer.parseInt(text.substring(0, text.length() - 1));
  }

  private static void awaitCard(String id, String css, String expected) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> card(id, css), expected::equals);
  }

  private static void awaitTrue(String script, Object... args) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> Boolean.TRUE.equals(browser.inComponent(script, args)));
  }

  /** Waits for a non-null result of {@code script}, equal to {@code expected} unless that is null. */
  @Test
  void theSemaphorePanelShowsPerKeyLimitsAndTheBusiestKeys(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"semaphores\": {\"single\": 1, \"multiple\": 10, \"default\": 3, "
        + "\"tenants\": {\"limit\": 4, \"per_key\": 2}}}");
    browser.open(server.url("/"));
    awaitTrue("return host.dataset.connection === 'live'");
    String gate = Gates.newGate();
    server.http().create("gate_task", "{\"gate\":\"" + gate + "\",\"semaphore_name\":\"tenants\","
        + "\"concurrency_key\":\"acme\"}");
    Gates.awaitEntered(gate);
    awaitText("root.querySelector('[data-semaphore=tenants] .numbers')?.textContent",
        "1 / 4 running · 0 waiting · 2 per key · busiest: acme 1");
    Gates.open(gate);
  }

  private static String awaitText(String script, String expected) {
    String js = script.startsWith("return") ? script : "return " + script;
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> browser.text(js), v -> v != null && (expected == null || expected.equals(v)));
  }

  private String demoStatus() {
    return browser.driver().findElement(By.cssSelector(".demo-status")).getText();
  }
}
