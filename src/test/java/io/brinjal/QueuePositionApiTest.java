package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueuePositionApiTest {

  private static JsonNode nextAtPosition(SseProbe stream, int position) {
    while (true) {
      JsonNode e = stream.next();
      if (e.get("queue_position").asInt(-1) == position) return e;
    }
  }

  @Test
  void aQueuedTaskSeesItsPlaceInLineMoveThreeTwoOne(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String first = Gates.newGate(), second = Gates.newGate(), third = Gates.newGate();
    http.create("gate_task", "{\"gate\":\"" + first + "\"}");
    Gates.awaitEntered(first);
    http.create("gate_task", "{\"gate\":\"" + second + "\"}");
    http.create("gate_task", "{\"gate\":\"" + third + "\"}");
    String watched = http.create("sleep_task", "{\"sleep_time\":0,\"semaphore_name\":\"single\"}");
    SseProbe stream = http.stream("/" + watched + "/stream");

    JsonNode at3 = stream.next();
    assertEquals(3, at3.get("queue_position").asInt());
    assertTrue(at3.get("estimated_start_at").isNull(), "no run has finished in 'single' yet: no estimate");
    Gates.open(first);
    JsonNode at2 = nextAtPosition(stream, 2);
    Gates.open(second);
    JsonNode at1 = nextAtPosition(stream, 1);
    Gates.open(third);
    List<JsonNode> rest = stream.untilTerminal();

    assertEquals("queued", at2.get("status").asText());
    Instant created = Instant.parse(at1.get("created_at").asText());
    assertTrue(!Instant.parse(at1.get("estimated_start_at").asText()).isBefore(created), at1.toString());
    JsonNode done = rest.get(rest.size() - 1);
    assertEquals("done", done.get("status").asText());
    assertTrue(done.get("queue_position").isNull());
    assertTrue(http.get("/" + watched).json().get("queue_position").isNull());
  }

  @Test
  void theQueueListingNumbersEachSemaphoreSeparately(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String gate = Gates.newGate();
    http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String a = http.create("sleep_task", "{\"semaphore_name\":\"single\"}");
    String b = http.create("sleep_task", "{\"semaphore_name\":\"single\"}");

    List<Integer> positions = new ArrayList<>();
    for (JsonNode t : http.get("/queue").json()) {
      if (t.get("task_id").asText().equals(a) || t.get("task_id").asText().equals(b)) {
        positions.add(t.get("queue_position").asInt());
      }
    }
    assertEquals(List.of(1, 2), positions);
    http.post("/" + a + "/cancel");
    assertEquals(1, http.get("/" + b).json().get("queue_position").asInt());
    Gates.open(gate);
  }
}
