package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.Scrape;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Timeouts, stuck threads, admission limits and task code that breaks badly. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HardeningApiTest {

  private static JsonNode semaphore(HttpProbe http, String name) {
    for (JsonNode s : http.get("/semaphores").json()) if (s.get("name").asText().equals(name)) return s;
    throw new AssertionError(name);
  }

  @Test
  void aTaskThatOutlivesItsTimeoutIsInterruptedAndFailsWithTimeoutException(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    List<JsonNode> events = http.stream("/" + http.create("time_limited_task", "{\"timeout_ms\":1000}") + "/stream").untilTerminal();

    List<String> statuses = events.stream().map(e -> e.get("status").asText()).distinct().toList();
    assertTrue(statuses.contains("cancelling"), statuses.toString());
    JsonNode failed = events.get(events.size() - 1);
    assertEquals("failed", failed.get("status").asText());
    assertEquals("TimeoutException", failed.get("error_type").asText());
    assertTrue(failed.get("error_message").asText().contains("1.0 s"), failed.get("error_message").asText());
    assertTrue(failed.get("error_traceback").asText().contains("TimeLimitedTask.run"), "where it was stuck");
  }

  @Test
  void aRequestMayShortenTheRunTimeoutButNotWithNonsense(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String gate = Gates.newGate();
    Reply created = http.send(HttpMethod.POST, "/gate_task", "{\"gate\":\"" + gate + "\",\"semaphore_name\":\"multiple\"}",
        Map.of("Content-Type", "application/json", "Brinjal-Run-Timeout", "0.2"));
    assertEquals(200, created.status());
    JsonNode failed = http.awaitTerminal(created.json().get("task_id").asText());
    assertEquals("TimeoutException", failed.get("error_type").asText());

    for (String bad : new String[] {"soon", "-1", "0", "NaN"}) {
      Reply refused = http.send(HttpMethod.POST, "/noop_task", null, Map.of("Brinjal-Run-Timeout", bad));
      assertEquals(422, refused.status(), bad);
      assertTrue(refused.detail().contains("Brinjal-Run-Timeout"));
    }
  }

  @Test
  void aThreadThatIgnoresCancelIsAbandonedButKeepsItsPermit(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"execution\": {\"cancel_grace_seconds\": 1}}").http();
    String gate = Gates.newGate();
    String stuck = http.create("stubborn_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String behind = http.create("sleep_task", "{\"sleep_time\":0,\"semaphore_name\":\"single\"}");
    SseProbe stream = http.stream("/" + stuck + "/stream");

    http.post("/" + stuck + "/cancel");
    JsonNode abandoned;
    do {
      abandoned = stream.next();
    } while (!abandoned.get("abandoned").asBoolean());

    assertEquals("cancelling", abandoned.get("status").asText());
    assertTrue(abandoned.get("error_message").asText().contains("abandoned"));
    JsonNode single = semaphore(http, "single");
    assertEquals(1, single.get("abandoned").asInt());
    assertEquals(1, single.get("running").asInt(), "the stuck thread still holds the only permit");
    assertEquals("queued", http.task(behind).get("status").asText());
    assertEquals(1, Scrape.of(http).value("brinjal_semaphore_abandoned", "semaphore", "single"));

    Gates.open(gate); // the thread finally returns
    List<JsonNode> rest = stream.untilTerminal();
    assertEquals("cancelled", rest.get(rest.size() - 1).get("status").asText());
    assertEquals("done", http.awaitTerminal(behind).get("status").asText());
    assertEquals(0, semaphore(http, "single").get("abandoned").asInt());
    assertEquals(0, Scrape.of(http).value("brinjal_semaphore_abandoned", "semaphore", "single"));
    assertEquals(1, semaphore(http, "single").get("peak_running").asInt(), "the limit was never exceeded");
  }

  @Test
  void aFullQueueRefusesNewWaitingTasksWith429ButStillStartsFreeOnes(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"limits\": {\"max_queued\": 2}}").http();
    String gate = Gates.newGate();
    http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    http.create("sleep_task", "{\"semaphore_name\":\"single\"}");
    http.create("sleep_task", "{\"semaphore_name\":\"single\"}");

    Reply refused = http.postJson("/sleep_task", "{\"semaphore_name\":\"single\"}");
    assertEquals(429, refused.status());
    assertTrue(Integer.parseInt(refused.headers().get("Retry-After")) >= 1);
    assertTrue(refused.detail().contains("limits.max_queued"), refused.detail());
    assertEquals(3, http.get("/queue").json().size(), "the refused task was not created");

    assertEquals("done", http.awaitTerminal(http.create("noop_task", null)).get("status").asText());
    Gates.open(gate);
  }

  @Test
  void errorsFromTaskCodeFailOnlyThatTask(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    JsonNode overflow = http.awaitTerminal(http.create("crashing_task", "{\"how\":\"stack_overflow\"}"));
    JsonNode oom = http.awaitTerminal(http.create("crashing_task", "{\"how\":\"out_of_memory\"}"));

    assertEquals("failed", overflow.get("status").asText());
    assertEquals("StackOverflowError", overflow.get("error_type").asText());
    assertEquals("failed", oom.get("status").asText());
    assertEquals("OutOfMemoryError", oom.get("error_type").asText());
    assertEquals("done", http.awaitTerminal(http.create("noop_task", null)).get("status").asText());
  }

  @Test
  void anInterruptRaisedInsideRunFailsOnlyThatTaskAndIsNotHandedOn(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    JsonNode thrown = http.awaitTerminal(http.create("interrupting_task", "{\"how\":\"throw\"}"));
    assertEquals("failed", thrown.get("status").asText(), "not mistaken for a cancel");
    assertEquals("InterruptedException", thrown.get("error_type").asText());

    JsonNode kept = http.awaitTerminal(http.create("interrupting_task", "{\"how\":\"keep_flag\"}"));
    assertEquals("done", kept.get("status").asText());
    // the single semaphore's pool has one thread: the next task runs on the thread just interrupted
    String thread = kept.get("body").asText().replace("left interrupted on ", "");
    JsonNode next = http.awaitTerminal(http.create("interrupting_task", "{\"how\":\"probe\"}"));
    assertEquals("done", next.get("status").asText(), next.toString());
    assertEquals("started interrupted: false on " + thread, next.get("body").asText());

    assertEquals("done", http.awaitTerminal(http.create("sleep_task",
        "{\"sleep_time\":0.05,\"semaphore_name\":\"single\"}")).get("status").asText());
    assertEquals(0, semaphore(http, "single").get("running").asInt(), "the permit came back");
  }

  @Test
  void withATokenEveryRouteNeedsItAndStreamsMayPassItInTheQuery(Vertx vertx) {
    String token = "correct-horse-battery-staple";
    HttpProbe http = TestServer.start(vertx, "{\"auth\": {\"token\": \"" + token + "\"}}").http();
    Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);

    Reply anonymous = http.get("/queue");
    assertEquals(401, anonymous.status());
    assertTrue(anonymous.headers().get("WWW-Authenticate").startsWith("Bearer"));
    assertTrue(anonymous.detail().contains("Bearer"));
    assertEquals(401, http.send(HttpMethod.GET, "/queue", null, Map.of("Authorization", "Bearer wrong")).status());
    assertEquals(401, http.post("/noop_task").status());
    assertEquals(401, http.post("/noop_task?access_token=" + token).status(), "query tokens only for GET");
    assertEquals(401, http.get("/queue/stream").status());

    Reply created = http.send(HttpMethod.POST, "/noop_task", null, bearer);
    assertEquals(200, created.status());
    String id = created.json().get("task_id").asText();
    assertEquals(200, http.send(HttpMethod.GET, "/queue", null, bearer).status());
    SseProbe stream = http.stream("/" + id + "/stream?access_token=" + token);
    List<JsonNode> events = stream.untilTerminal(); // the stream may open before or after the task ends
    assertEquals("done", events.get(events.size() - 1).get("status").asText());
    assertEquals(404, http.send(HttpMethod.GET, "/nope/x/y", null, bearer).status());
  }

  @Test
  void withATokenAndAPrefixTheBarePrefixStillLeadsToTheDashboardAndPreviewsTakeTheQueryToken(Vertx vertx) {
    String token = "correct-horse-battery-staple";
    HttpProbe http = TestServer.start(vertx,
        "{\"auth\": {\"token\": \"" + token + "\"}, \"http\": {\"prefix\": \"/api/tasks\"}}").http();
    Reply bare = http.get("/api/tasks");
    assertEquals(301, bare.status(), bare.toString());
    assertEquals("tasks/", bare.headers().get("Location"));
    assertEquals(401, http.get("/api/tasks/queue").status());

    Reply preview = http.get("/api/tasks/recurring/preview?cron_expression=%40daily&access_token=" + token);
    assertEquals(200, preview.status(), preview.toString());
    String id = http.send(HttpMethod.POST, "/api/tasks/recurring/NoopTask?cron_expression=%40daily", "{}",
        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json")).json().get("recurring_id").asText();
    Reply ofOne = http.get("/api/tasks/recurring/" + id + "/preview?n=2&access_token=" + token);
    assertEquals(200, ofOne.status(), ofOne.toString());
    assertEquals(401, http.get("/api/tasks/recurring/preview?cron_expression=%40daily&access_token=wrong").status());
  }

  @Test
  void corsAnswersOnlyConfiguredOrigins(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"cors\": {\"allowed_origins\": [\"https://app.example.com\"]}}").http();
    Map<String, String> preflight = Map.of("Origin", "https://app.example.com",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
    Reply allowed = http.send(HttpMethod.OPTIONS, "/noop_task", null, preflight);
    assertEquals("https://app.example.com", allowed.headers().get("Access-Control-Allow-Origin"));
    assertEquals("true", allowed.headers().get("Access-Control-Allow-Credentials"), "listed by name: credentials by default");

    Reply other = http.send(HttpMethod.GET, "/queue", null, Map.of("Origin", "https://evil.example.net"));
    assertNull(other.headers().get("Access-Control-Allow-Origin"));
    assertFalse(other.status() == 200 && other.headers().contains("Access-Control-Allow-Origin"));
  }

  @Test
  void unparsableRequestsGetJsonErrors(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    Reply longUri = http.get("/" + "a".repeat(10_000));
    assertEquals(414, longUri.status());
    assertTrue(longUri.detail().contains("too long"));
    Reply bigHeader = http.send(HttpMethod.GET, "/queue", null, Map.of("X-Big", "b".repeat(20_000)));
    assertEquals(431, bigHeader.status());
    assertTrue(bigHeader.detail().contains("too large"));
    await().atMost(Duration.ofSeconds(5)).until(() -> http.get("/queue").status() == 200);
  }
}
