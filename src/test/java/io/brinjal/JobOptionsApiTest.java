package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

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
}
