package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.CountingStore;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tens of thousands of tasks waiting on one semaphore, in the SQLite store. What a request costs
 * must not grow with the queue: a submit reads nothing, one task is one row (its position comes
 * from the ranked line, not a walk of the queue), a page is one page, and a full listing or a
 * queue snapshot is read and sent a page at a time, so no request holds the queue in memory.
 * (How long each takes is measured by {@code bench/DeepQueueBench.java}, not asserted here.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeepQueueApiTest {
  private static final int WAITING = 20_000;
  private static final int IN_FLIGHT = 64;

  @Test
  void requestsAgainstADeepQueueCostTheSameWhateverItsDepth(Vertx vertx) {
    CountingStore counting = new CountingStore();
    TestServer server = TestServer.startWrappingStore(vertx, "{}", counting::wrap);
    HttpProbe http = server.http();
    String gate = Gates.newGate();
    String blocker = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    counting.reset();

    submitAll(http, WAITING);
    assertEquals(0, counting.reads(), "submitting reads nothing, however deep the queue: " + counting.reads());
    assertEquals(WAITING, counting.calls("insert"));
    List<String> ids = queuedIds(http);

    counting.reset();
    JsonNode last = http.task(ids.get(WAITING - 1));
    assertEquals(WAITING, last.get("queue_position").asInt());
    assertEquals(1, http.task(ids.get(0)).get("queue_position").asInt());
    assertTrue(counting.calls("get") <= 2, "at most one row per task read (recent ones are known without the store)");
    assertEquals(counting.calls("get"), counting.reads(), "and nothing else: no walk of the queue for a position");

    counting.reset();
    Reply page = http.get("/queue?status=queued&limit=100&after=0");
    assertEquals(100, page.json().size());
    assertEquals(1, page.json().get(0).get("queue_position").asInt());
    assertTrue(page.headers().get("Link").contains("limit=100&after="), page.headers().get("Link"));
    assertEquals(1, counting.calls("list"));
    assertEquals(100, counting.largestPageAsked());

    counting.reset();
    Reply all = http.get("/queue");
    assertEquals("chunked", all.headers().get("Transfer-Encoding"), "streamed, not built whole");
    JsonNode listed = all.json();
    assertEquals(WAITING + 1, listed.size());
    assertEquals(blocker, listed.get(0).get("task_id").asText());
    assertEquals(ids.get(WAITING - 1), listed.get(WAITING).get("task_id").asText());
    assertEquals(WAITING, listed.get(WAITING).get("queue_position").asInt());
    assertTrue(counting.largestPageRead() <= 500, "at most one page in memory: " + counting.largestPageRead());
    assertTrue(counting.calls("list") >= WAITING / 500, "read a page at a time: " + counting.calls("list"));

    counting.reset();
    SseProbe stream = http.stream("/queue/stream");
    JsonNode snapshot = stream.next();
    assertEquals("queue_updated", snapshot.get("type").asText());
    assertEquals(WAITING + 1, snapshot.get("tasks").size());
    assertTrue(counting.largestPageRead() <= 500, "the snapshot too: " + counting.largestPageRead());
    stream.disconnect();

    Gates.open(gate);
  }

  /** Posts {@code n} tasks with {@value #IN_FLIGHT} requests in flight. */
  private static void submitAll(HttpProbe http, int n) {
    String[] ids = new String[n];
    List<Future<Void>> lanes = new ArrayList<>();
    int perLane = n / IN_FLIGHT;
    for (int lane = 0; lane < IN_FLIGHT; lane++) {
      int from = lane * perLane;
      int to = lane == IN_FLIGHT - 1 ? n : from + perLane;
      lanes.add(postFrom(http, ids, from, to));
    }
    HttpProbe.await(Future.all(lanes).timeout(150, TimeUnit.SECONDS));
  }

  /** The waiting tasks' ids in the order the server created them. */
  private static List<String> queuedIds(HttpProbe http) {
    List<String> ordered = new ArrayList<>();
    for (JsonNode t : http.get("/queue?status=queued").json()) ordered.add(t.get("task_id").asText());
    assertEquals(WAITING, ordered.size());
    return ordered;
  }

  private static Future<Void> postFrom(HttpProbe http, String[] ids, int i, int to) {
    if (i >= to) return Future.succeededFuture();
    return http.sendAsync(HttpMethod.POST, "/sleep_task", Buffer.buffer("{\"sleep_time\": 0, \"semaphore_name\": \"single\"}"),
            Map.of("Content-Type", "application/json"))
        .compose(reply -> {
          if (reply.status() != 200) return Future.failedFuture("submit " + i + ": " + reply);
          ids[i] = reply.json().get("task_id").asText();
          return postFrom(http, ids, i + 1, to);
        });
  }
}
