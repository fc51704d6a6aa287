package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.store.SqliteTaskStore;
import io.brinjal.store.TaskState;
import io.brinjal.store.TaskStore;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.FlakyTask;
import io.brinjal.support.tasks.PatientTask;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Brinjal-Max-Attempts and a type's own attempts: a failed attempt is scheduled again after a backoff. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryApiTest {
  /** Short server backoff so attempts follow each other quickly. */
  private static final String FAST_RETRIES = "{\"retry\": {\"base_seconds\": 0.05, \"max_seconds\": 0.2}}";

  @TempDir
  Path dir;

  private static String flaky(HttpProbe http, String key, int failures, String maxAttempts, boolean permanent) {
    Map<String, String> headers = maxAttempts == null ? Map.of() : Map.of("Brinjal-Max-Attempts", maxAttempts);
    Reply r = http.send(HttpMethod.POST, "/flaky_task",
        "{\"key\":\"" + key + "\",\"failures\":" + failures + ",\"permanent\":" + permanent + "}", headers);
    assertEquals(200, r.status(), r.toString());
    return r.json().get("task_id").asText();
  }

  private static List<String> statuses(List<JsonNode> events) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      String s = e.get("status").asText();
      if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) out.add(s);
    }
    return out;
  }

  @Test
  void aFlakyTaskIsRetriedUntilItSucceedsAndEachTransitionReachesItsStream(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, FAST_RETRIES).http();
    SseProbe queue = http.stream("/queue/stream?task_updates=true");
    queue.nextOfType("queue_updated");
    String key = UUID.randomUUID().toString();
    String id = flaky(http, key, 2, "3", false);
    List<JsonNode> events = new ArrayList<>();
    while (events.isEmpty() || !events.get(events.size() - 1).get("status").asText().equals("done")) {
      JsonNode e = queue.next();
      JsonNode task = e.has("task") ? e.get("task") : e;
      if (id.equals(task.path("task_id").asText())) events.add(task);
    }
    assertEquals(List.of("queued", "running", "scheduled", "queued", "running", "scheduled", "queued", "running", "done"),
        statuses(events));
    JsonNode retrying = events.stream().filter(e -> e.get("status").asText().equals("scheduled")).findFirst().orElseThrow();
    assertEquals(1, retrying.get("attempt").asInt());
    assertEquals(3, retrying.get("max_attempts").asInt());
    assertEquals("IllegalStateException", retrying.get("error_type").asText(), "the last failure shows while it waits");
    assertEquals("flaky failure 1", retrying.get("error_message").asText());
    assertFalse(retrying.get("run_at").isNull());
    assertTrue(retrying.get("node_id").isNull(), "no node holds it while it waits");

    JsonNode done = events.get(events.size() - 1);
    assertEquals("done", done.get("status").asText());
    assertEquals(3, done.get("attempt").asInt());
    assertEquals("succeeded on attempt 3", done.get("results").asText());
    assertTrue(done.get("error_type").isNull(), "an earlier attempt's error is not the end's: " + done);
    assertEquals(3, FlakyTask.ATTEMPT_NANOS.get(key).size());
  }

  @Test
  void afterTheLastAttemptItEndsFailedWithTheLastError(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, FAST_RETRIES).http();
    String key = UUID.randomUUID().toString();
    JsonNode failed = http.awaitTerminal(flaky(http, key, 100, "3", false));
    assertEquals("failed", failed.get("status").asText());
    assertEquals(3, failed.get("attempt").asInt());
    assertEquals("flaky failure 3", failed.get("error_message").asText());
    assertEquals(3, FlakyTask.ATTEMPT_NANOS.get(key).size());

    String once = UUID.randomUUID().toString(); // no header, and the type sets no attempts: one
    assertEquals("failed", http.awaitTerminal(flaky(http, once, 1, null, false)).get("status").asText());
    assertEquals(1, FlakyTask.ATTEMPT_NANOS.get(once).size());
  }

  @Test
  void aPermanentFailureEndsAtOnceWhateverAttemptsAreLeft(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, FAST_RETRIES).http();
    String key = UUID.randomUUID().toString();
    JsonNode failed = http.awaitTerminal(flaky(http, key, 0, "5", true));
    assertEquals("failed", failed.get("status").asText());
    assertEquals("PermanentFailureException", failed.get("error_type").asText());
    assertEquals(1, failed.get("attempt").asInt());
    assertEquals(1, FlakyTask.ATTEMPT_NANOS.get(key).size());
  }

  @Test
  void aTimeoutIsAFailedAttemptAndACancelledTaskIsNeverRetried(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, FAST_RETRIES).http();
    Reply r = http.send(HttpMethod.POST, "/sleep_task", "{\"sleep_time\": 30}",
        Map.of("Brinjal-Max-Attempts", "2", "Brinjal-Run-Timeout", "0.05"));
    JsonNode timedOut = http.awaitTerminal(r.json().get("task_id").asText());
    assertEquals("failed", timedOut.get("status").asText());
    assertEquals("TimeoutException", timedOut.get("error_type").asText());
    assertEquals(2, timedOut.get("attempt").asInt(), "both attempts timed out");

    // cancelled while waiting for its next attempt: it ends cancelled and does not run again
    String slow = UUID.randomUUID().toString();
    HttpProbe slowHttp = TestServer.start(vertx, "{\"retry\": {\"base_seconds\": 30, \"max_seconds\": 30}}").http();
    String id = flaky(slowHttp, slow, 100, "5", false);
    SseProbe stream = slowHttp.stream("/" + id + "/stream");
    JsonNode e;
    do {
      e = stream.next();
    } while (!e.get("status").asText().equals("scheduled"));
    assertEquals(200, slowHttp.send(HttpMethod.POST, "/" + id + "/cancel", null, Map.of()).status());
    JsonNode end = stream.untilTerminal().get(0);
    assertEquals("cancelled", slowHttp.task(id).get("status").asText(), end.toString());
    assertEquals(1, FlakyTask.ATTEMPT_NANOS.get(slow).size());
  }

  @Test
  void aTypeSetsItsOwnAttemptsAndBackoffAndTheGapsGrow(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String key = UUID.randomUUID().toString();
    JsonNode failed = http.awaitTerminal(http.create("patient_task", "{\"key\":\"" + key + "\"}"));
    assertEquals("failed", failed.get("status").asText());
    assertEquals(4, failed.get("attempt").asInt());
    assertEquals(4, failed.get("max_attempts").asInt());
    List<Long> starts = PatientTask.ATTEMPT_NANOS.get(key);
    assertEquals(4, starts.size());
    long previousGap = 0;
    for (int i = 1; i < starts.size(); i++) {
      long gap = starts.get(i) - starts.get(i - 1);
      long bound = PatientTask.BASE.toNanos() << (i - 1); // 0.3 s, 0.6 s, 1.2 s: no jitter
      assertTrue(gap >= bound, "attempt " + (i + 1) + " came " + gap / 1e6 + " ms after the one before, under " + bound / 1e6);
      assertTrue(gap > previousGap, "the gaps grow: " + gap / 1e6 + " ms after " + previousGap / 1e6);
      previousGap = gap;
    }
  }

  @Test
  void aTaskRunningWhenTheServerDiedIsRetriedIfItHasAttemptsLeft(Vertx vertx) {
    Path db = dir.resolve("brinjal.db");
    TaskStore left = new SqliteTaskStore(vertx, db, new BrinjalConfig.Retention(10, 1000), SqliteTaskStore.Options.defaults());
    HttpProbe.await(left.open());
    String key = UUID.randomUUID().toString();
    ObjectNode params = Json.object().put("key", key).put("failures", 0);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    HttpProbe.await(left.insert(TaskState.newTask(UUID.randomUUID().toString(), "FlakyTask", "default", params, now)
        .maxAttempts(2).build()));
    TaskState running = HttpProbe.await(left.claim("default", 3, 1, "a-node-that-died", now)).get(0);
    HttpProbe.await(left.close());

    HttpProbe http = TestServer.start(vertx, "{\"store\": {\"path\": " + Json.encode(db.toString()) + "}, "
        + "\"retry\": {\"base_seconds\": 0.05, \"max_seconds\": 0.05}}").http();
    JsonNode done = http.awaitTerminal(running.id());
    assertEquals("done", done.get("status").asText());
    assertEquals(2, done.get("attempt").asInt(), "the interrupted run was attempt 1");
    assertEquals(1, FlakyTask.ATTEMPT_NANOS.get(key).size(), "run once here");
  }

  @Test
  void retriesAndScheduledTasksAreCountedByTaskType(Vertx vertx) {
    TestServer server = TestServer.start(vertx, FAST_RETRIES);
    HttpProbe http = server.http();
    String metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("brinjal_task_retries_total{task_type=\"FlakyTask\"} 0.0"), "zero from the start");
    assertTrue(metrics.contains("brinjal_tasks_scheduled_total{task_type=\"NoopTask\"} 0.0"));
    http.awaitTerminal(flaky(http, UUID.randomUUID().toString(), 2, "3", false));
    Reply delayed = http.send(HttpMethod.POST, "/noop_task", null, Map.of("Brinjal-Delay", "600"));
    assertEquals(200, delayed.status());
    metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("brinjal_task_retries_total{task_type=\"FlakyTask\"} 2.0"), metrics);
    assertTrue(metrics.contains("brinjal_tasks_scheduled_total{task_type=\"NoopTask\"} 1.0"), metrics);
  }
}
