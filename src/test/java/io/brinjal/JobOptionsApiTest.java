package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.brinjal.json.Json;
import io.brinjal.support.TestClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Job options set per request in headers (the body and the query belong to the task). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobOptionsApiTest {
  private static final String SINGLE_SLEEP = "{\"sleep_time\":0.02,\"semaphore_name\":\"single\"}";

  private static String createWithPriority(HttpProbe http, String priority) {
    Reply r = http.send(HttpMethod.POST, "/sleep_task", SINGLE_SLEEP,
        priority == null ? Map.of("Content-Type", "application/json")
            : Map.of("Content-Type", "application/json", "Brinjal-Priority", priority));
    assertEquals(200, r.status(), r.toString());
    return r.json().get("task_id").asText();
  }

  @Test
  void underAFullSemaphoreAHigherPriorityStartsFirstAndEqualPrioritiesKeepTheirOrder(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String gate = Gates.newGate();
    http.create("gate_task", "{\"gate\":\"" + gate + "\"}"); // holds 'single'
    Gates.awaitEntered(gate);

    String plainA = createWithPriority(http, null);
    String low = createWithPriority(http, "-5");
    String high = createWithPriority(http, "10");
    String plainB = createWithPriority(http, "0");
    String highToo = createWithPriority(http, " 10 ");
    List<String> expectedOrder = List.of(high, highToo, plainA, plainB, low);

    for (int i = 0; i < expectedOrder.size(); i++) {
      JsonNode t = http.get("/" + expectedOrder.get(i)).json();
      assertEquals(i + 1, t.get("queue_position").asInt(), "the line is ranked by priority: " + t);
    }
    assertEquals(10, http.get("/" + high).json().get("priority").asInt());
    assertEquals(-5, http.get("/" + low).json().get("priority").asInt());
    assertEquals(0, http.get("/" + plainA).json().get("priority").asInt(), "no header: priority 0");

    Gates.open(gate);
    List<JsonNode> ended = new ArrayList<>();
    for (String id : expectedOrder) ended.add(http.awaitTerminal(id));
    List<String> byStart = ended.stream()
        .sorted(Comparator.comparing((JsonNode t) -> Instant.parse(t.get("started_at").asText())))
        .map(t -> t.get("task_id").asText())
        .toList();
    assertEquals(expectedOrder, byStart);
    for (int i = 1; i < ended.size(); i++) { // 'single': each started after the one before it ended
      Instant previousEnd = Instant.parse(ended.get(i - 1).get("completed_at").asText());
      assertTrue(!Instant.parse(ended.get(i).get("started_at").asText()).isBefore(previousEnd), ended.get(i).toString());
    }
  }

  @Test
  void aBadPriorityIsRefusedNamingTheHeaderAndCreatesNothing(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    for (String bad : new String[] {"high", "101", "-101", "1.5", "", "+5", "1e2", "0x10", "9".repeat(5000)}) {
      Reply refused = http.send(HttpMethod.POST, "/noop_task", null, Map.of("Brinjal-Priority", bad));
      assertEquals(422, refused.status(), bad);
      assertTrue(refused.detail().contains("Brinjal-Priority"), refused.detail());
      assertTrue(refused.detail().length() < 200, "the detail does not echo a huge value: " + refused.detail().length());
    }
    assertEquals(0, http.get("/queue").json().size(), "no refused request created a task");
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null, Map.of("Brinjal-Priority", "-100")).status());
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null, Map.of("Brinjal-Priority", "100")).status());
  }

  // ---------------------------------------------------------------- Idempotency-Key

  private static Reply createWithKey(HttpProbe http, String route, String json, String key) {
    return http.send(HttpMethod.POST, "/" + route, json, Map.of("Content-Type", "application/json", "Idempotency-Key", key));
  }

  @Test
  void aRepeatWithTheSameKeyAnswersTheSameTaskAndCreatesNothing(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    Reply first = createWithKey(http, "sleep_task", "{\"sleep_time\":0}", "order-42");
    assertEquals(200, first.status(), first.toString());
    assertEquals(null, first.headers().get("Idempotent-Replayed"));
    String id = first.json().get("task_id").asText();
    http.awaitTerminal(id);

    // the same parameters, given another way (the query, defaults spelled out): the same request
    Reply again = http.send(HttpMethod.POST, "/sleep_task?sleep_time=0", null, Map.of("Idempotency-Key", "order-42"));
    assertEquals(200, again.status(), again.toString());
    assertEquals(id, again.json().get("task_id").asText());
    assertEquals("true", again.headers().get("Idempotent-Replayed"));
    assertEquals(1, http.get("/queue").json().size(), "one task for two requests");

    Reply otherParams = createWithKey(http, "sleep_task", "{\"sleep_time\":0.5}", "order-42");
    assertEquals(422, otherParams.status());
    assertTrue(otherParams.detail().contains("order-42"), otherParams.detail());
    Reply otherRoute = createWithKey(http, "noop_task", null, "order-42");
    assertEquals(422, otherRoute.status());
    assertTrue(otherRoute.detail().contains("Idempotency-Key"), otherRoute.detail());
    Reply otherKey = createWithKey(http, "sleep_task", "{\"sleep_time\":0}", "order-43");
    assertTrue(!otherKey.json().get("task_id").asText().equals(id), "another key is another task");
    assertEquals(2, http.get("/queue").json().size());
  }

  @Test
  void requestsWithOneKeyAtTheSameMomentCreateOneTask(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      replies.add(http.sendAsync(HttpMethod.POST, "/sleep_task", Buffer.buffer("{\"sleep_time\":0}"),
          Map.of("Content-Type", "application/json", "Idempotency-Key", "burst")));
    }
    List<String> ids = new ArrayList<>();
    int replayed = 0;
    for (Future<Reply> f : replies) {
      Reply r = HttpProbe.await(f);
      assertEquals(200, r.status(), r.toString());
      ids.add(r.json().get("task_id").asText());
      if ("true".equals(r.headers().get("Idempotent-Replayed"))) replayed++;
    }
    assertEquals(1, ids.stream().distinct().count(), "every answer names the one task: " + ids);
    assertEquals(19, replayed);
    assertEquals(1, http.get("/queue").json().size());
  }

  @Test
  void aRepeatIsAnsweredEvenWhenTheQueueIsFull(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"limits\": {\"max_queued\": 1}}").http();
    String gate = Gates.newGate();
    http.create("gate_task", "{\"gate\":\"" + gate + "\"}"); // holds 'single'
    Gates.awaitEntered(gate);
    Reply queued = createWithKey(http, "sleep_task", SINGLE_SLEEP, "once");
    assertEquals(200, queued.status(), queued.toString());
    assertEquals(429, http.send(HttpMethod.POST, "/sleep_task", SINGLE_SLEEP, Map.of()).status(), "the line is full");
    Reply repeat = createWithKey(http, "sleep_task", SINGLE_SLEEP, "once");
    assertEquals(200, repeat.status(), "a repeat creates nothing, so the full line does not refuse it: " + repeat);
    assertEquals(queued.json().get("task_id"), repeat.json().get("task_id"));
    Gates.open(gate);
  }

  @Test
  void aKeyIsForgottenAfterItsTimeToLive(Vertx vertx) {
    TestClock clock = TestClock.ticking();
    HttpProbe http = TestServer.start(vertx, "{\"idempotency\": {\"ttl_seconds\": 60}}", clock).http();
    String first = createWithKey(http, "noop_task", null, "daily-report").json().get("task_id").asText();
    clock.set(Instant.now().plusSeconds(59));
    assertEquals(first, createWithKey(http, "noop_task", null, "daily-report").json().get("task_id").asText());
    clock.set(Instant.now().plusSeconds(61));
    Reply later = createWithKey(http, "noop_task", null, "daily-report");
    assertEquals(null, later.headers().get("Idempotent-Replayed"));
    assertTrue(!later.json().get("task_id").asText().equals(first), "a new task once the key expired");
  }

  @TempDir
  Path dir;

  @Test
  void keysSurviveARestart(Vertx vertx) {
    String config = "{\"store\": {\"path\": " + Json.encode(dir.resolve("brinjal.db").toString()) + "}}";
    TestServer server = TestServer.start(vertx, config);
    String id = createWithKey(server.http(), "noop_task", null, "k").json().get("task_id").asText();
    server.stop();
    Reply again = createWithKey(TestServer.start(vertx, config).http(), "noop_task", null, "k");
    assertEquals(id, again.json().get("task_id").asText());
    assertEquals("true", again.headers().get("Idempotent-Replayed"));
  }

  @Test
  void aBadKeyIsRefusedNamingTheHeaderAndCreatesNothing(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    for (String bad : new String[] {"", "a b", "x".repeat(256), "caf\u00e9", "tab\there"}) {
      Reply refused = http.send(HttpMethod.POST, "/noop_task", null, Map.of("Idempotency-Key", bad));
      assertEquals(422, refused.status(), bad);
      assertTrue(refused.detail().contains("Idempotency-Key"), refused.detail());
      assertTrue(refused.detail().chars().noneMatch(Character::isISOControl), "no control characters: " + refused.detail());
      assertTrue(!refused.detail().contains("\u00e9"), "non-ASCII shown escaped: " + refused.detail());
    }
    assertEquals(0, http.get("/queue").json().size());
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null, Map.of("Idempotency-Key", "x".repeat(255))).status());
  }
}
