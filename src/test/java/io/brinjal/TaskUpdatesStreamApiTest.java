package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.WsProbe;
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

/**
 * The queue subscription with {@code task_updates}: one SSE stream or one WebSocket subscription
 * that carries the queue and every change of every task, in order (what a dashboard needs).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TaskUpdatesStreamApiTest {
  private TestServer server;
  private HttpProbe http;

  @BeforeEach
  void start(Vertx vertx) {
    server = TestServer.start(vertx);
    http = server.http();
  }

  @Test
  void oneSseStreamCarriesTheQueueAndEveryTasksChanges() {
    String gate = Gates.newGate();
    String before = http.create("step_task", "{\"gate\":\"" + gate + "\",\"steps\":2}");
    SseProbe stream = http.stream("/queue/stream?task_updates=true");
    JsonNode snapshot = stream.next();
    assertEquals("queue_updated", snapshot.get("type").asText());
    assertEquals(before, snapshot.get("tasks").get(0).get("task_id").asText());

    String after = http.create("step_task", "{\"gate\":\"" + gate + "-b\",\"steps\":2}");
    assertEquals(after, stream.nextOfType("task_added").get("task").get("task_id").asText());
    for (String g : List.of(gate, gate + "-b")) {
      Gates.open(g + "-1");
      Gates.open(g + "-2");
    }
    List<String> doneIds = new ArrayList<>();
    long lastId = stream.lastId();
    while (doneIds.size() < 2) {
      JsonNode event = stream.next();
      assertTrue(stream.lastId() > lastId, "ids only grow");
      lastId = stream.lastId();
      assertFalse(event.has("type"), "task events are full task JSON, as on a task's own stream: " + event);
      if (event.get("status").asText().equals("done")) doneIds.add(event.get("task_id").asText());
    }
    assertTrue(doneIds.containsAll(List.of(before, after)), doneIds.toString());
    assertFalse(stream.hasEnded(), "a task's end does not end the stream");
    assertEquals(1, server.brinjal().streams().subscribers());
  }

  @Test
  void aWebSocketQueueSubscriptionWithTaskUpdatesFollowsNewTasksToTheEnd() {
    WsProbe ws = WsProbe.connect(http, "/ws");
    ws.send("{\"op\":\"subscribe\",\"queue\":true,\"task_updates\":true}");
    ws.nextOfType("queue_updated");
    ws.nextOfType("subscribed");

    String id = http.create("noop_task", null);
    assertEquals(id, ws.nextOfType("task_added").get("task").get("task_id").asText());
    List<JsonNode> events = ws.taskUntilTerminal(id);
    assertEquals("done", events.get(events.size() - 1).get("status").asText());
    assertEquals(1, server.brinjal().streams().subscribers(), "one subscription, however many tasks");

    ws.send("{\"op\":\"unsubscribe\",\"queue\":true}");
    ws.nextOfType("unsubscribed");
    assertEquals(0, server.brinjal().streams().subscribers());
  }

  @Test
  void switchingToTaskUpdatesReplacesThePlainQueueSubscription() {
    WsProbe ws = WsProbe.connect(http, "/ws");
    ws.send("{\"op\":\"subscribe\",\"queue\":true}");
    ws.nextOfType("subscribed");
    ws.send("{\"op\":\"subscribe\",\"queue\":true,\"task_updates\":true}");
    ws.nextOfType("subscribed");
    assertEquals(1, server.brinjal().streams().subscribers());

    String id = http.create("noop_task", null);
    ws.taskUntilTerminal(id);
    String marker = http.create("noop_task", null);
    ws.nextMatching(f -> f.path("type").asText().equals("task_added") && f.get("task").get("task_id").asText().equals(marker));
    long addedTwice = ws.drained().stream()
        .filter(f -> f.path("type").asText().equals("task_added") && f.get("task").get("task_id").asText().equals(id)).count();
    assertEquals(0, addedTwice, "each queue event arrives once");
  }

  @Test
  void resumingWithTaskUpdatesReplaysEveryMissedEvent() {
    WsProbe ws = WsProbe.connect(http, "/ws");
    ws.send("{\"op\":\"subscribe\",\"queue\":true,\"task_updates\":true}");
    long seq = ws.nextOfType("queue_updated").get("seq").asLong();
    ws.close();
    String id = http.create("noop_task", null);
    http.awaitTerminal(id);

    WsProbe again = WsProbe.connect(http, "/ws");
    again.send("{\"op\":\"subscribe\",\"queue\":true,\"task_updates\":true,\"resume_from\":" + seq + "}");
    assertEquals(id, again.nextOfType("task_added").get("task").get("task_id").asText());
    List<JsonNode> events = again.taskUntilTerminal(id);
    assertEquals("done", events.get(events.size() - 1).get("status").asText());
  }

  @Test
  void badTaskUpdatesValuesAreRefused() {
    for (String query : List.of("?task_updates=yes", "?task_updates=true&task_updates=false", "?task_updates=")) {
      Reply reply = http.get("/queue/stream" + query);
      assertEquals(400, reply.status(), query);
      assertTrue(reply.detail().contains("task_updates"), reply.detail());
    }
    WsProbe ws = WsProbe.connect(http, "/ws");
    String[][] cases = {
        {"{\"op\":\"subscribe\",\"queue\":true,\"task_updates\":\"yes\"}", "\"task_updates\" must be true or false"},
        {"{\"op\":\"subscribe\",\"task_ids\":[\"x\"],\"task_updates\":true}", "goes with \"queue\": true"}};
    for (String[] c : cases) {
      ws.send(c[0]);
      JsonNode error = ws.nextOfType("error");
      assertTrue(error.get("detail").asText().contains(c[1]), c[0] + " -> " + error);
    }
    assertEquals(0, server.brinjal().streams().subscribers());
  }
}
