package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.RecordingTask;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Brinjal-Delay and Brinjal-Run-At: a task waits as {@code scheduled} until its time, then queues. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DelayedStartApiTest {
  @TempDir
  Path dir;

  private static String create(HttpProbe http, String route, String json, Map<String, String> headers) {
    Reply r = http.send(HttpMethod.POST, "/" + route, json, headers);
    assertEquals(200, r.status(), r.toString());
    return r.json().get("task_id").asText();
  }

  private static Instant time(JsonNode task, String field) {
    return Instant.parse(task.get(field).asText());
  }

  private static String recording(String label) {
    return "{\"label\":\"" + label + "\",\"semaphore_name\":\"multiple\"}";
  }

  @Test
  void aDelayedTaskIsScheduledUntilItsTimeThenQueuesAndRuns(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    SseProbe queue = http.stream("/queue/stream?task_updates=true");
    queue.nextOfType("queue_updated");
    String id = create(http, "noop_task", null, Map.of("Brinjal-Delay", "0.6"));

    JsonNode scheduled = http.task(id);
    assertEquals("scheduled", scheduled.get("status").asText(), scheduled.toString());
    assertEquals(time(scheduled, "created_at").plusMillis(600), time(scheduled, "run_at"));
    assertTrue(scheduled.get("queue_position").isNull(), "not in any line yet");
    assertEquals(0, scheduled.get("attempt").asInt());
    assertEquals(1, scheduled.get("max_attempts").asInt());

    JsonNode ended = http.awaitTerminal(id);
    assertEquals("done", ended.get("status").asText());
    assertTrue(ended.get("run_at").isNull(), "run_at only while scheduled: " + ended);
    assertFalse(time(ended, "started_at").isBefore(time(scheduled, "run_at")), "never before its time: " + ended);

    // the queue stream saw it added as scheduled, then queued, running and done
    List<String> statuses = new java.util.ArrayList<>();
    while (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals("done")) {
      JsonNode e = queue.next();
      JsonNode task = e.has("task") ? e.get("task") : e;
      if (id.equals(task.path("task_id").asText())) statuses.add(task.get("status").asText());
    }
    assertEquals("scheduled", statuses.get(0), statuses.toString());
    assertTrue(statuses.indexOf("queued") > 0 && statuses.indexOf("running") > statuses.indexOf("queued"), statuses.toString());
  }

  @Test
  void runAtTakesAnRfc3339TimeAndATimePastQueuesAtOnce(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    Instant at = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
    String later = create(http, "noop_task", null, Map.of("Brinjal-Run-At", at.atOffset(java.time.ZoneOffset.ofHours(2)).toString()));
    JsonNode t = http.task(later);
    assertEquals("scheduled", t.get("status").asText());
    assertEquals(at, time(t, "run_at"), "the same instant, whatever the offset");

    String past = create(http, "noop_task", null, Map.of("Brinjal-Run-At", "2001-02-03T04:05:06z"));
    assertEquals("done", http.awaitTerminal(past).get("status").asText());
    String zero = create(http, "noop_task", null, Map.of("Brinjal-Delay", "0"));
    assertEquals("done", http.awaitTerminal(zero).get("status").asText());
    assertEquals("scheduled", http.task(later).get("status").asText());
  }

  @Test
  void aScheduledTaskCanBeCancelledOrDeletedAndThenNeverRuns(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String run = UUID.randomUUID().toString();
    String cancelled = create(http, "recording_task", recording(run + "cancelled"), Map.of("Brinjal-Delay", "0.3"));
    String deleted = create(http, "recording_task", recording(run + "deleted"), Map.of("Brinjal-Delay", "0.3"));
    String sentinel = create(http, "recording_task", recording(run + "sentinel"), Map.of("Brinjal-Delay", "0.6"));

    Reply cancel = http.send(HttpMethod.POST, "/" + cancelled + "/cancel", null, Map.of());
    assertEquals(200, cancel.status(), cancel.toString());
    JsonNode c = http.task(cancelled);
    assertEquals("cancelled", c.get("status").asText());
    assertTrue(c.get("started_at").isNull() && c.get("run_at").isNull(), c.toString());
    assertEquals(200, http.delete("/" + deleted).status());
    assertEquals(404, http.get("/" + deleted).status());

    assertEquals("done", http.awaitTerminal(sentinel).get("status").asText()); // its time came after theirs
    assertEquals(List.of(run + "sentinel"), RecordingTask.STARTED.stream().filter(l -> l.startsWith(run)).toList());
    assertEquals(409, http.send(HttpMethod.POST, "/" + cancelled + "/cancel", null, Map.of()).status());
  }

  private String sqlite() {
    return "{\"store\": {\"path\": " + Json.encode(dir.resolve("brinjal.db").toString()) + "}}";
  }

  @Test
  void aScheduledTaskSurvivesARestartAndRunsOnceItsTimeHasCome(Vertx vertx) {
    String run = UUID.randomUUID().toString();
    TestServer first = TestServer.start(vertx, sqlite());
    String later = create(first.http(), "recording_task", recording(run + "later"), Map.of("Brinjal-Delay", "2"));
    String missed = create(first.http(), "recording_task", recording(run + "missed"), Map.of("Brinjal-Delay", "0.2"));
    JsonNode missedBefore = first.http().task(missed);
    HttpProbe.await(first.verticle().shutdown());
    first.stop();
    Instant missedAt = time(missedBefore, "run_at");
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(missedAt.plusMillis(50))); // its time passes while down

    HttpProbe again = TestServer.start(vertx, sqlite()).http();
    JsonNode m = again.awaitTerminal(missed);
    assertEquals("done", m.get("status").asText());
    assertEquals(1, m.get("attempt").asInt());
    JsonNode l = again.task(later);
    assertTrue(l.get("status").asText().equals("scheduled") || l.get("status").asText().equals("done"), l.toString());
    JsonNode lEnded = again.awaitTerminal(later);
    assertEquals("done", lEnded.get("status").asText());
    assertFalse(time(lEnded, "started_at").isBefore(time(lEnded, "created_at").plusSeconds(2)), lEnded.toString());
    assertEquals(List.of(run + "missed", run + "later"),
        RecordingTask.STARTED.stream().filter(x -> x.startsWith(run)).toList(), "each ran once, in time order");
  }

  @Test
  void badDelayRunAtOrAttemptsAreRefusedNamingTheHeaderAndCreateNothing(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    Map<String, List<String>> bad = Map.of(
        "Brinjal-Delay", List.of("-1", "abc", "1e3", "31536001", "NaN", "", "0x10", "1.5.5"),
        "Brinjal-Run-At", List.of("tomorrow", "2030-01-01T00:00:00", "2030-13-01T00:00:00Z", "2100-01-01T00:00:00Z",
            "1700000000", ""),
        "Brinjal-Max-Attempts", List.of("0", "101", "x", "1.5", "-2", ""));
    bad.forEach((header, values) -> {
      for (String value : values) {
        Reply r = http.send(HttpMethod.POST, "/noop_task", null, Map.of(header, value));
        assertEquals(422, r.status(), header + ": " + value + " -> " + r);
        assertTrue(r.detail().contains(header), r.detail());
      }
    });
    Reply both = http.send(HttpMethod.POST, "/noop_task", null,
        Map.of("Brinjal-Delay", "5", "Brinjal-Run-At", "2030-01-01T00:00:00Z"));
    assertEquals(422, both.status());
    assertTrue(both.detail().contains("Brinjal-Delay") && both.detail().contains("Brinjal-Run-At"), both.detail());
    assertEquals(0, http.get("/queue").json().size(), "nothing was created");
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null, Map.of("Brinjal-Delay", "31536000")).status());
  }
}
