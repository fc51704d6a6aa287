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
import io.brinjal.support.StoreLock;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.brinjal.support.tasks.RecordingTask;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks kept in the SQLite file across restarts, through the HTTP interface: queued ones run
 * again in order, running ones are settled, event ids keep growing, and a store that cannot be
 * written refuses new work without losing what it holds. (The real jar killed with SIGKILL is
 * {@code KillNineIT}.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableStoreApiTest {
  @TempDir
  Path dir;

  private String config(Path db, String more) {
    return "{\"store\": {\"path\": " + Json.encode(db.toString()) + ", \"busy_timeout_ms\": 200}" + more + "}";
  }

  @Test
  void acceptedTasksSurviveARestartAndTheQueuedOnesRunInTheirOriginalOrder(Vertx vertx) {
    Path db = dir.resolve("brinjal.db");
    String run = "r" + UUID.randomUUID() + "-";
    TestServer first = TestServer.start(vertx, config(db, ", \"shutdown\": {\"grace_seconds\": 0}"));
    HttpProbe http = first.http();
    String done = http.create("noop_task", null);
    JsonNode doneBefore = http.awaitTerminal(done);
    String gate = Gates.newGate(); // never opened: the graceful stop interrupts it
    String blocker = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    List<String> queued = new ArrayList<>();
    for (String label : List.of("a", "b", "c", "d")) {
      queued.add(http.create("recording_task", "{\"label\":\"" + run + label + "\"}"));
    }
    HttpProbe.await(first.verticle().shutdown());
    first.stop();

    HttpProbe again = TestServer.start(vertx, config(db, "")).http();
    for (String id : queued) assertEquals("done", again.awaitTerminal(id).get("status").asText());
    assertEquals(List.of(run + "a", run + "b", run + "c", run + "d"),
        RecordingTask.STARTED.stream().filter(l -> l.startsWith(run)).toList(), "in the order they were accepted");
    assertEquals("cancelled", again.task(blocker).get("status").asText(), "interrupted by the graceful stop");
    JsonNode doneAfter = again.task(done);
    assertEquals(doneBefore.get("completed_at"), doneAfter.get("completed_at"));
    assertEquals(doneBefore.get("created_at"), doneAfter.get("created_at"));
    assertEquals(doneBefore.get("params"), doneAfter.get("params"));
  }

  @Test
  void aTaskRunningWhenTheServerDiedEndsInterruptedUnlessItsTypeOptsInToRunningAgain(Vertx vertx) {
    Path db = dir.resolve("brinjal.db");
    // what a process killed mid-run leaves behind: rows still running, one being cancelled
    TaskStore left = new SqliteTaskStore(vertx, db, new BrinjalConfig.Retention(10, 1000), SqliteTaskStore.Options.defaults());
    HttpProbe.await(left.open());
    TaskState plain = runningRow(left, "GateTask", "single", Json.object().put("gate", Gates.newGate()));
    TaskState rerun = runningRow(left, "RerunningTask", "multiple", Json.object().put("gate", ""));
    TaskState cancelling = runningRow(left, "SleepTask", "default", Json.object().put("sleep_time", 5));
    HttpProbe.await(left.update(cancelling.next().status(TaskStatus.CANCELLING).cancelRequested(true).build()));
    HttpProbe.await(left.close());

    HttpProbe http = TestServer.start(vertx, config(db, "")).http();

    JsonNode interrupted = http.task(plain.id());
    assertEquals("failed", interrupted.get("status").asText());
    assertEquals("Interrupted", interrupted.get("error_type").asText());
    assertTrue(interrupted.get("error_message").asText().startsWith("the server stopped while this task was running;"
        + " GateTask does not opt in to running again"), interrupted.toString());
    assertFalse(interrupted.get("completed_at").isNull());
    JsonNode wasCancelling = http.task(cancelling.id());
    assertEquals("failed", wasCancelling.get("status").asText());
    assertTrue(wasCancelling.get("error_message").asText().contains("being cancelled"), wasCancelling.toString());

    JsonNode ranAgain = http.awaitTerminal(rerun.id());
    assertEquals("done", ranAgain.get("status").asText());
    assertEquals("ran", ranAgain.get("results").asText());
    assertEquals(0, http.get("/queue?status=running,cancelling").json().size(), "nothing is left running after a start");
  }

  private static TaskState runningRow(TaskStore store, String type, String semaphore, ObjectNode params) {
    HttpProbe.await(store.insert(TaskState.newTask(UUID.randomUUID().toString(), type, semaphore, params,
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).build()));
    return HttpProbe.await(store.claim(semaphore, 100, 1, "a-node-that-died", Instant.now().truncatedTo(
        java.time.temporal.ChronoUnit.MILLIS))).get(0);
  }

  @Test
  void aLastEventIdFromBeforeARestartGetsAFreshSnapshotNeverAReplay(Vertx vertx) {
    Path db = dir.resolve("brinjal.db");
    TestServer first = TestServer.start(vertx, config(db, ""));
    HttpProbe http = first.http();
    SseProbe watcher = http.stream("/queue/stream?task_updates=true");
    watcher.next();
    long early = watcher.lastId();
    String last = null;
    for (int i = 0; i < 3; i++) http.awaitTerminal(last = http.create("noop_task", null));
    while (true) { // up to the last event the first run sent
      JsonNode e = watcher.next();
      if (last.equals(e.path("task_id").asText()) && e.get("status").asText().equals("done")) break;
    }
    long latest = watcher.lastId();
    assertTrue(latest > early);
    watcher.disconnect();
    first.stop();

    HttpProbe again = TestServer.start(vertx, config(db, "")).http();
    again.awaitTerminal(again.create("noop_task", null)); // the new run has events of its own
    for (long old : List.of(early, latest)) {
      SseProbe back = again.stream("/queue/stream", Map.of("Last-Event-ID", Long.toString(old)));
      JsonNode first0 = back.next();
      assertEquals("queue_updated", first0.get("type").asText(), "from id " + old + ": " + first0);
      assertEquals(4, first0.get("tasks").size());
      assertTrue(back.lastId() > latest, "ids keep growing across the restart: " + back.lastId() + " after " + latest);
      back.disconnect();
    }
  }

  @Test
  void whileTheStoreCannotBeWrittenNewTasksAreRefusedWith503AndNothingAcceptedIsLost(Vertx vertx) {
    Path db = dir.resolve("brinjal.db");
    HttpProbe http = TestServer.start(vertx, config(db, "")).http();
    String before = http.create("noop_task", null);
    http.awaitTerminal(before);
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    SseProbe runningStream = http.stream("/" + running + "/stream");
    runningStream.next();

    try (StoreLock lock = StoreLock.hold(db)) { // another program holds the write lock
      Reply refused = http.postJson("/noop_task", "{}");
      assertEquals(503, refused.status());
      assertTrue(refused.detail().contains("nothing of this request was stored"), refused.detail());
      assertEquals("5", refused.headers().get("Retry-After"));
      assertFalse(refused.body().contains("task_id"));

      Gates.open(gate); // it ends, but its end cannot be written yet: it keeps its permit and says running
      assertEquals("running", http.task(running).get("status").asText());
      List<String> listed = new ArrayList<>();
      http.get("/queue").json().forEach(t -> listed.add(t.get("task_id").asText()));
      assertEquals(List.of(before, running), listed, "the refused task is nowhere");
    }

    List<JsonNode> events = runningStream.untilTerminal(); // written once the lock is gone, then announced
    assertEquals("done", events.get(events.size() - 1).get("status").asText());
    assertEquals("done", http.task(before).get("status").asText());
    assertEquals("done", http.awaitTerminal(http.create("noop_task", null)).get("status").asText());
  }
}
