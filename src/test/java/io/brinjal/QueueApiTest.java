package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The queue listing, its stream, search, retention and bulk delete, over HTTP. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueApiTest {
  private Vertx vertx;

  @BeforeEach
  void keep(Vertx vertx) {
    this.vertx = vertx;
  }

  private HttpProbe server(String config) {
    return TestServer.start(vertx, config).http();
  }

  private static List<String> ids(JsonNode tasks) {
    List<String> out = new ArrayList<>();
    tasks.forEach(t -> out.add(t.get("task_id").asText()));
    return out;
  }

  @Test
  void theQueueListsEveryTaskOldestFirst() {
    HttpProbe http = server("{}");
    String a = http.create("sleep_task", "{\"sleep_time\":0}");
    String b = http.create("failing_task", null);
    String c = http.create("noop_task", null);
    http.awaitTerminal(c);
    assertEquals(List.of(a, b, c), ids(http.get("/queue").json()));
  }

  @Test
  void theQueueStreamSendsTheQueueThenAddedAndRemovedTasks() {
    HttpProbe http = server("{}");
    String existing = http.create("noop_task", null);
    http.awaitTerminal(existing);
    SseProbe stream = http.stream("/queue/stream");

    JsonNode first = stream.next();
    assertEquals("queue_updated", first.get("type").asText());
    assertEquals(List.of(existing), ids(first.get("tasks")));

    String added = http.create("sleep_task", "{\"sleep_time\":0}");
    JsonNode addedEvent = stream.nextOfType("task_added");
    assertEquals(added, addedEvent.get("task").get("task_id").asText());
    assertEquals("SleepTask", addedEvent.get("task").get("task_type").asText());

    http.delete("/" + existing);
    JsonNode removed = stream.nextOfType("task_removed");
    assertEquals(existing, removed.get("task_id").asText());
    assertTrue(stream.response().getHeader("Content-Type").startsWith("text/event-stream"));
    assertEquals("no-cache", stream.response().getHeader("Cache-Control"));
  }

  @Test
  void retentionKeepsTheNewestDoneAndFailedTasksAndAnnouncesRemovals() {
    HttpProbe http = server("{\"retention\": {\"done\": 2, \"failed\": 1}}");
    SseProbe stream = http.stream("/queue/stream");
    stream.next();
    List<String> done = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      done.add(http.create("noop_task", null));
      http.awaitTerminal(done.get(i));
    }
    String failedOld = http.create("failing_task", null);
    http.awaitTerminal(failedOld);
    String failedNew = http.create("failing_task", null);
    http.awaitTerminal(failedNew);

    assertEquals(List.of(done.get(2), done.get(3), failedNew), ids(http.get("/queue").json()));
    List<String> removed = new ArrayList<>();
    while (removed.size() < 3) removed.add(stream.nextOfType("task_removed").get("task_id").asText());
    assertEquals(List.of(done.get(0), done.get(1), failedOld), removed);
  }

  @Test
  void retentionNeverPrunesQueuedOrRunningTasks() {
    HttpProbe http = server("{\"retention\": {\"done\": 0, \"failed\": 0}}");
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String queued = http.create("sleep_task", "{\"semaphore_name\":\"single\"}");
    SseProbe stream = http.stream("/queue/stream");
    stream.next();
    String noop = http.create("noop_task", null);
    assertEquals(noop, stream.nextOfType("task_removed").get("task_id").asText()); // done, kept: 0

    assertEquals(List.of(running, queued), ids(http.get("/queue").json()));
    Gates.open(gate);
  }

  @Test
  void searchMatchesFieldsAndParametersExactlyWithAnd() {
    HttpProbe http = server("{}");
    String slowSingle = http.create("sleep_task", "{\"sleep_time\":0.01,\"semaphore_name\":\"single\"}");
    String fastSingle = http.create("sleep_task", "{\"sleep_time\":0,\"semaphore_name\":\"single\"}");
    String noop = http.create("noop_task", null);
    http.awaitTerminal(slowSingle);
    http.awaitTerminal(fastSingle);
    http.awaitTerminal(noop);

    assertEquals(Set.of(slowSingle, fastSingle), search(http, "{\"task_type\":\"SleepTask\"}"));
    assertEquals(Set.of(slowSingle), search(http, "{\"task_type\":\"SleepTask\",\"sleep_time\":0.01}"));
    assertEquals(Set.of(fastSingle), search(http, "{\"sleep_time\":0}"));
    assertEquals(Set.of(slowSingle, fastSingle, noop), search(http, "{\"status\":\"done\"}"));
    assertEquals(Set.of(noop), search(http, "{\"status\":\"done\",\"semaphore_name\":\"multiple\"}"));
    assertEquals(Set.of(noop), search(http, "{\"task_id\":\"" + noop + "\"}"));
    assertEquals(Set.of(), search(http, "{\"status\":\"done\",\"task_type\":\"Nope\"}"));
    assertEquals(Set.of(), search(http, "{\"no_such_attribute\":1}"));
    assertEquals(Set.of(), search(http, "{}"));
  }

  private static Set<String> search(HttpProbe http, String criteria) {
    Reply reply = http.postJson("/search", criteria);
    assertEquals(200, reply.status(), reply.toString());
    Set<String> found = new java.util.HashSet<>();
    reply.json().get("task_ids").forEach(id -> found.add(id.asText()));
    return found;
  }

  @Test
  void deleteCompletedRemovesFinishedTasksAndKeepsLiveOnes() {
    HttpProbe http = server("{}");
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    http.awaitTerminal(http.create("noop_task", null));
    http.awaitTerminal(http.create("failing_task", null));

    Reply reply = http.delete("/completed");

    assertEquals(200, reply.status());
    assertEquals(2, reply.json().get("deleted_count").asInt());
    assertEquals(0, reply.json().get("failed_count").asInt());
    assertEquals(0, reply.json().get("failed_task_ids").size());
    assertEquals("Deleted 2 completed task(s)", reply.json().get("message").asText()); // brinjal's text
    assertEquals(List.of(running), ids(http.get("/queue").json()));
    Reply none = http.delete("/completed");
    assertEquals(200, none.status());
    assertEquals("No completed tasks found", none.json().get("message").asText());
    assertEquals(0, none.json().get("deleted_count").asInt());
    Gates.open(gate);
  }

  @Test
  void withALimitTheQueueAnswersPagesAndLinksToTheNextUntilTheEnd() {
    HttpProbe http = server("{\"http\": {\"prefix\": \"/api/tasks\"}}");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) created.add(http.create("api/tasks/noop_task", null));
    for (String id : created) http.get("/api/tasks/" + id);

    List<String> paged = new ArrayList<>();
    String next = "/api/tasks/queue?limit=3";
    int pages = 0;
    while (next != null) {
      Reply page = http.get(next);
      assertEquals(200, page.status(), page.toString());
      assertTrue(page.json().isArray());
      assertTrue(page.json().size() <= 3);
      paged.addAll(ids(page.json()));
      pages++;
      String link = page.headers().get("Link");
      if (link == null) {
        next = null;
      } else {
        assertTrue(link.endsWith(">; rel=\"next\""), link);
        next = link.substring(1, link.indexOf('>'));
        assertTrue(next.startsWith("/api/tasks/queue?limit=3&after="), next);
      }
    }
    assertEquals(3, pages);
    assertEquals(created, paged);
    assertEquals(created, ids(http.get("/api/tasks/queue").json()), "without a limit: everything, as before");
  }

  @Test
  void theQueueCanBeNarrowedToSomeStatuses() {
    HttpProbe http = server("{}");
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String queued = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    String done = http.create("noop_task", null);
    http.awaitTerminal(done);

    assertEquals(List.of(queued), ids(http.get("/queue?status=queued").json()));
    assertEquals(List.of(running, queued), ids(http.get("/queue?status=running,queued").json()));
    assertEquals(List.of(done), ids(http.get("/queue?status=done&limit=10").json()));
    assertEquals(1, http.get("/queue?status=queued").json().get(0).get("queue_position").asInt());
    Gates.open(gate);
  }

  @Test
  void badListingParametersAreRefusedNamingThem() {
    HttpProbe http = server("{}");
    String[][] cases = {
        {"limit=0", "limit"}, {"limit=1001", "limit"}, {"limit=ten", "limit"}, {"limit=5&limit=6", "limit"},
        {"after=-1", "after"}, {"after=later", "after"}, {"status=nope", "status"}, {"status=done,zzz", "status"},
        {"status=", "status"}};
    for (String[] c : cases) {
      Reply reply = http.get("/queue?" + c[0]);
      assertEquals(422, reply.status(), c[0] + " -> " + reply);
      assertTrue(reply.detail().startsWith(c[1]), c[0] + " -> " + reply.detail());
    }
  }
}
