package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Intervals;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutionApiTest {
  private TestServer server;
  private HttpProbe http;

  @BeforeEach
  void start(Vertx vertx) {
    server = TestServer.start(vertx, "{\"retention\": {\"done\": 1000, \"failed\": 1000}}");
    http = server.http();
  }

  @ParameterizedTest(name = "{0} runs at most {1} at once, and does reach {1}")
  @CsvSource({"single,1", "multiple,10", "default,3"})
  void eachSemaphoreRunsExactlyItsLimit(String semaphore, int limit) {
    List<SseProbe> streams = new ArrayList<>();
    for (int i = 0; i < 3 * limit; i++) {
      String id = http.create("sleep_task", "{\"sleep_time\":0.3,\"semaphore_name\":\"" + semaphore + "\"}");
      streams.add(http.stream("/" + id + "/stream"));
    }
    List<JsonNode> finished = new ArrayList<>();
    for (SseProbe s : streams) {
      List<JsonNode> events = s.untilTerminal();
      finished.add(events.get(events.size() - 1));
    }
    finished.forEach(t -> assertEquals("done", t.get("status").asText()));
    finished.forEach(t -> assertEquals(semaphore, t.get("semaphore_name").asText()));
    assertEquals(limit, Intervals.maxOverlap(finished));
  }

  @Test
  void aFullSemaphoreNeverDelaysAnotherOne() {
    String gate = Gates.newGate();
    String blocker = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    String queuedBehind = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);

    JsonNode noop = http.awaitTerminal(http.create("noop_task", null));

    assertEquals("done", noop.get("status").asText());
    assertEquals("running", http.task(blocker).get("status").asText());
    assertEquals("queued", http.task(queuedBehind).get("status").asText());
    Gates.open(gate);
    assertEquals("done", http.awaitTerminal(queuedBehind).get("status").asText());
  }

  @Test
  void aTaskStreamShowsQueuedRunningDoneInOrderAndThenEnds() {
    String gate = Gates.newGate();
    String blocker = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String id = http.create("sleep_task", "{\"sleep_time\":0.05,\"semaphore_name\":\"single\"}");
    SseProbe stream = http.stream("/" + id + "/stream");
    assertEquals("queued", stream.next().get("status").asText());

    Gates.open(gate);
    List<JsonNode> events = stream.untilTerminal();
    List<String> statuses = events.stream().map(e -> e.get("status").asText()).distinct().toList();
    assertEquals(List.of("running", "done"), statuses);
    JsonNode last = events.get(events.size() - 1);
    assertNotNull(last.get("started_at").textValue());
    assertNotNull(last.get("completed_at").textValue());
    assertEquals(100, last.get("progress").asInt());
    stream.awaitEnd();
    http.awaitTerminal(blocker);
  }

  @Test
  void anExceptionInRunIsCapturedWithTypeMessageAndTraceback() {
    JsonNode failed = http.awaitTerminal(http.create("failing_task", "{\"message\":\"disk full\"}"));

    assertEquals("failed", failed.get("status").asText());
    assertEquals("IllegalArgumentException", failed.get("error_type").asText());
    assertEquals("disk full", failed.get("error_message").asText());
    String trace = failed.get("error_traceback").asText();
    assertTrue(trace.startsWith("java.lang.IllegalArgumentException: disk full"), trace);
    assertTrue(trace.contains("at io.brinjal.support.tasks.FailingTask.run"), trace);
    assertEquals("Task failed: disk full", failed.get("body").asText());
    assertNotNull(failed.get("completed_at").textValue());
  }

  @Test
  void aTaskMayMarkItselfFailedAndKeepItsOwnBody() {
    JsonNode failed = http.awaitTerminal(http.create("self_failing_task", null));

    assertEquals("failed", failed.get("status").asText());
    assertEquals("backend down", failed.get("error_message").asText());
    assertEquals("backend unreachable, giving up", failed.get("body").asText());
    assertEquals(3, failed.get("results").get("attempts").asInt());
  }

  @Test
  void deletingAQueuedTaskMeansItNeverRuns() {
    String gate = Gates.newGate();
    String blocker = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String queued = http.create("sleep_task", "{\"sleep_time\":0,\"semaphore_name\":\"single\"}");
    SseProbe stream = http.stream("/" + queued + "/stream");
    assertEquals("queued", stream.next().get("status").asText());

    Reply deleted = http.delete("/" + queued);
    assertEquals(200, deleted.status());
    assertEquals("Task " + queued + " deleted successfully", deleted.json().get("message").asText()); // brinjal's text

    JsonNode last = stream.untilTerminal().get(0);
    assertEquals("cancelled", last.get("status").asText());
    assertTrue(last.get("started_at").isNull());
    assertEquals(404, http.get("/" + queued).status());
    JsonNode single = semaphore("single");
    assertEquals(0, single.get("waiting").asInt());
    Gates.open(gate);
    http.awaitTerminal(blocker);
  }

  @Test
  void deletingARunningTaskInterruptsItAndFreesItsPermit() {
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    SseProbe stream = http.stream("/" + running + "/stream");
    String next = http.create("sleep_task", "{\"sleep_time\":0,\"semaphore_name\":\"single\"}");

    assertEquals(200, http.delete("/" + running).status());

    List<JsonNode> events = stream.untilTerminal();
    assertEquals("cancelled", events.get(events.size() - 1).get("status").asText());
    assertEquals(404, http.get("/" + running).status());
    // the permit came back: the task queued behind it runs, and is not hit by a stray interrupt
    assertEquals("done", http.awaitTerminal(next).get("status").asText());
    assertEquals(0, semaphore("single").get("running").asInt());
  }

  @Test
  void cancellingARunningTaskEndsItCancelledAndKeepsItListed() {
    String gate = Gates.newGate();
    String id = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    SseProbe stream = http.stream("/" + id + "/stream");

    var reply = http.post("/" + id + "/cancel");
    assertEquals(200, reply.status());

    List<String> statuses = stream.untilTerminal().stream().map(e -> e.get("status").asText()).distinct().toList();
    assertEquals(List.of("running", "cancelling", "cancelled"), statuses);
    JsonNode listed = http.task(id);
    assertEquals("cancelled", listed.get("status").asText());
    assertNotNull(listed.get("completed_at").textValue());
    assertEquals(409, http.post("/" + id + "/cancel").status());
  }

  @Test
  void cancellingAQueuedTaskEndsItAtOnce() {
    String gate = Gates.newGate();
    String blocker = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String queued = http.create("noop_task", null);
    String queuedSingle = http.create("sleep_task", "{\"semaphore_name\":\"single\"}");

    var reply = http.post("/" + queuedSingle + "/cancel");

    assertEquals(200, reply.status());
    assertEquals("cancelled", reply.json().get("status").asText());
    assertEquals("cancelled", http.task(queuedSingle).get("status").asText());
    assertTrue(http.task(queuedSingle).get("started_at").isNull());
    assertEquals("done", http.awaitTerminal(queued).get("status").asText());
    Gates.open(gate);
    http.awaitTerminal(blocker);
  }

  @Test
  void aMillionProgressWritesAreCoalescedAndTheLastStateWins() {
    long begin = System.nanoTime();
    String id = http.create("flood_task", "{\"updates\":2000000}");
    List<JsonNode> events = http.stream("/" + id + "/stream").untilTerminal();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

    JsonNode last = events.get(events.size() - 1);
    assertEquals("done", last.get("status").asText());
    assertEquals(100, last.get("progress").asInt());
    assertEquals("flooded 2000000", last.get("body").asText());
    // at most one live event per min_event_interval_ms (5) per task after a burst of two, plus status events
    long bound = elapsedMs / 5 + 5;
    assertTrue(events.size() <= bound, events.size() + " events in " + elapsedMs + " ms");
  }

  @Test
  void aProgressHookIsPolledWhileTheTaskRuns() {
    String id = http.create("example_io_task", "{\"sleep_time\":0.005}");
    List<JsonNode> events = http.stream("/" + id + "/stream").untilTerminal();

    long distinctProgress = events.stream().map(e -> e.get("progress").asInt()).distinct().count();
    assertTrue(distinctProgress >= 3, "progress seen: " + events.stream().map(e -> e.get("progress").asInt()).toList());
    JsonNode last = events.get(events.size() - 1);
    assertEquals("done", last.get("status").asText());
    assertEquals(100, last.get("progress").asInt());
  }

  private JsonNode semaphore(String name) {
    for (JsonNode s : http.get("/semaphores").json()) {
      if (s.get("name").asText().equals(name)) return s;
    }
    throw new AssertionError("no semaphore " + name);
  }
}
