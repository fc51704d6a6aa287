package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.LogCapture;
import io.brinjal.support.Reply;
import io.brinjal.support.Scrape;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Health probes, the graceful shutdown SIGTERM starts, and the task log lines, over HTTP. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OperationsApiTest {

  @Test
  void aStartedServerIsLiveAndReady(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"prefix\": \"/api/tasks\"}}").http();

    Reply live = http.get("/health/live");
    assertEquals(200, live.status());
    assertEquals("up", live.json().get("status").asText());
    Reply ready = http.get("/health/ready");
    assertEquals(200, ready.status());
    assertEquals("ready", ready.json().get("status").asText());
  }

  @Test
  void duringTheGracePeriodTheServerIsNotReadyRefusesTasksAndLetsRunningOnesFinish(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"shutdown\": {\"grace_seconds\": 60}}");
    HttpProbe http = server.http();
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String queued = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    SseProbe runningStream = http.stream("/" + running + "/stream");

    try (LogCapture logs = new LogCapture()) {
      Future<Void> stopped = server.verticle().shutdown(); // what the SIGTERM hook runs

      Reply ready = http.get("/health/ready");
      assertEquals(503, ready.status());
      assertEquals("stopping", ready.json().get("status").asText());
      assertEquals(200, http.get("/health/live").status());
      Reply refused = http.post("/noop_task");
      assertEquals(503, refused.status());
      assertEquals("5", refused.headers().get("Retry-After"));
      assertTrue(refused.detail().contains("shutting down"), refused.detail());
      assertEquals("queued", http.task(queued).get("status").asText(), "a durable store keeps it for the next start");
      assertEquals("running", http.task(running).get("status").asText());
      assertFalse(stopped.isComplete());
      assertFalse(logs.mentioning("1 queued tasks stay queued in sqlite ").isEmpty(), "the kept task is not logged");

      Gates.open(gate);
      List<JsonNode> events = runningStream.untilTerminal();
      assertEquals("done", events.get(events.size() - 1).get("status").asText());
      HttpProbe.await(stopped);
    }
    assertEquals(200, http.get("/queue").status());
    assertEquals(503, http.get("/health/ready").status());
  }

  @Test
  void withAMemoryStoreQueuedTasksAreCancelledAtShutdownAndLogged(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"shutdown\": {\"grace_seconds\": 60}, \"store\": {\"type\": \"memory\"}}");
    HttpProbe http = server.http();
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String queued = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    SseProbe queuedStream = http.stream("/" + queued + "/stream");
    queuedStream.next();

    try (LogCapture logs = new LogCapture()) {
      Future<Void> stopped = server.verticle().shutdown();
      List<JsonNode> events = queuedStream.untilTerminal();
      assertEquals("cancelled", events.get(events.size() - 1).get("status").asText(), "nothing would keep it");
      assertFalse(logs.mentioning("queued tasks will not run: " + queued).isEmpty(), "the queued task is not logged");
      assertEquals("running", http.task(running).get("status").asText());
      Gates.open(gate);
      HttpProbe.await(stopped);
    }
  }

  @Test
  void afterTheGracePeriodRunningTasksAreInterruptedAndEndCancelled(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"shutdown\": {\"grace_seconds\": 0}}");
    HttpProbe http = server.http();
    String gate = Gates.newGate(); // never opened: only the interrupt ends these
    String single = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    String multiple = http.create("gate_task", "{\"gate\":\"" + gate + "\", \"semaphore_name\":\"multiple\"}");
    SseProbe singleStream = http.stream("/" + single + "/stream");
    SseProbe multipleStream = http.stream("/" + multiple + "/stream");
    Gates.awaitEntered(gate);

    HttpProbe.await(server.verticle().shutdown());

    for (SseProbe stream : List.of(singleStream, multipleStream)) {
      List<JsonNode> events = stream.untilTerminal();
      assertEquals("cancelled", events.get(events.size() - 1).get("status").asText());
    }
    Scrape scrape = Scrape.of(http);
    assertEquals(2, scrape.value("brinjal_tasks_finished_total", "task_type", "GateTask", "status", "cancelled"));
    assertEquals(0, scrape.value("brinjal_semaphore_running", "semaphore", "single"));
  }

  @Test
  void eachTaskLogsOneLineAtStartAndOneAtTheEndWithItsTimes(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    try (LogCapture logs = new LogCapture()) {
      String done = http.create("noop_task", null);
      String failed = http.create("failing_task", "{\"message\":\"disk full\"}");
      http.awaitTerminal(done);
      http.awaitTerminal(failed);

      List<ILoggingEvent> lines = logs.mentioning(done);
      assertEquals(2, lines.size(), lines.toString());
      ILoggingEvent start = lines.get(0);
      ILoggingEvent end = lines.get(1);
      assertEquals(Level.INFO, end.getLevel());
      assertEquals("io.brinjal.tasks", end.getLoggerName());
      assertTrue(start.getFormattedMessage().matches("task \\S+ started: NoopTask on semaphore multiple, waited \\d+ ms, on node \\S+"),
          start.getFormattedMessage());
      assertTrue(end.getFormattedMessage().matches("task \\S+ done: NoopTask on semaphore multiple, waited \\d+ ms, ran \\d+ ms, on node \\S+"),
          end.getFormattedMessage());
      Map<String, Object> fields = fields(end);
      assertEquals(done, fields.get("task_id"));
      assertEquals("NoopTask", fields.get("task_type"));
      assertEquals("multiple", fields.get("semaphore"));
      assertEquals("done", fields.get("status"));
      assertEquals(http.task(done).get("node_id").asText(), fields.get("node_id"));
      assertTrue(fields.containsKey("wait_ms") && fields.containsKey("run_ms"), fields.toString());

      ILoggingEvent failure = logs.mentioning(failed).get(1);
      assertTrue(failure.getFormattedMessage().endsWith("(IllegalArgumentException: disk full)"), failure.getFormattedMessage());
      assertNull(failure.getThrowableProxy(), "a task's failure is logged without its stack trace");
    }
  }

  @Test
  void clientErrorsLogNoStackTraces(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    try (LogCapture logs = new LogCapture()) {
      assertEquals(400, http.postJson("/noop_task", "{oops").status());
      assertEquals(422, http.postJson("/sleep_task", "{\"sleep_time\":\"soon\"}").status());
      assertEquals(404, http.get("/no-such-task").status());
      assertEquals(415, http.send(io.vertx.core.http.HttpMethod.POST, "/noop_task", "x", Map.of("Content-Type", "text/plain")).status());

      List<ILoggingEvent> traces = logs.events().stream()
          .filter(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
      assertTrue(traces.isEmpty(), traces.toString());
    }
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    event.getKeyValuePairs().forEach(kv -> out.put(kv.key, kv.value));
    return out;
  }
}
