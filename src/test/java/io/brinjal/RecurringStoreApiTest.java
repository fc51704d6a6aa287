package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.store.SqliteTaskStore;
import io.brinjal.store.TaskStore;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.LogCapture;
import io.brinjal.support.Reply;
import io.brinjal.support.StoreLock;
import io.brinjal.support.TestClock;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules created over HTTP live in the task store with the tasks: they survive a restart, a
 * store that cannot hold a change refuses it and undoes it, an entry that cannot be used stops
 * the start, and the retired {@code recurring.store_file} is imported once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecurringStoreApiTest {
  @TempDir
  Path dir;

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String config(Path db) {
    return "{\"store\": {\"path\": " + Json.encode(db.toString()) + ", \"busy_timeout_ms\": 200},"
        + " \"recurring\": {\"schedules\": [{\"task_type\": \"NoopTask\", \"cron_expression\": \"@daily\"}]}}";
  }

  private static String withLegacyFile(Path db, Path legacy) {
    return "{\"store\": {\"path\": " + Json.encode(db.toString()) + "},"
        + " \"recurring\": {\"store_file\": " + Json.encode(legacy.toString()) + "}}";
  }

  private static JsonNode byId(HttpProbe http, String id) {
    return http.get("/recurring/" + id).json();
  }

  private static List<JsonNode> list(HttpProbe http) {
    List<JsonNode> out = new ArrayList<>();
    http.get("/recurring").json().forEach(out::add);
    return out;
  }

  /** The schedules a store file holds, read with a store of its own (the server is stopped). */
  private static List<ObjectNode> storedSchedules(Vertx vertx, Path db) {
    TaskStore store = new SqliteTaskStore(vertx, db, new BrinjalConfig.Retention(10, 10), SqliteTaskStore.Options.defaults());
    try {
      HttpProbe.await(store.open());
      return HttpProbe.await(store.schedules());
    } finally {
      HttpProbe.await(store.close());
    }
  }

  @Test
  void schedulesCreatedOverHttpSurviveARestartWithTheirStateAndStatistics(Vertx vertx) {
    Path db = dir.resolve("state/brinjal.db"); // the folder does not exist yet
    TestClock clock = TestClock.ticking();
    clock.set("2031-03-04T05:05:57.500Z"); // "* * * * *" is due in 2.5 s
    TestServer first = TestServer.start(vertx, config(db), clock);
    HttpProbe http = first.http();

    String every = http.postJson("/recurring/NoopTask?cron_expression=" + q("* * * * *"), "{}")
        .json().get("recurring_id").asText();
    String nightly = http.postJson("/recurring/sleep_task?cron_expression=" + q("0 3 * * *")
        + "&tz=Europe/Berlin&max_concurrent=2&pause_after_failures=4", "{\"sleep_time\": 0.1}")
        .json().get("recurring_id").asText();
    assertEquals(200, http.send(HttpMethod.PATCH, "/recurring/" + nightly + "/disable", null, Map.of()).status());
    await().atMost(Duration.ofSeconds(15)).until(() -> byId(http, every).get("total_runs").asInt() == 1);
    JsonNode before = byId(http, every);
    first.stop();

    assertEquals(2, storedSchedules(vertx, db).size(), "the configured schedule is not stored");

    clock.set("2031-03-04T06:00:57.500Z"); // an hour later, 2.5 s before the next match
    TestServer second = TestServer.start(vertx, config(db), clock);
    HttpProbe again = second.http();
    List<JsonNode> schedules = list(again);
    assertEquals(3, schedules.size(), "two restored and the configured one, once: " + schedules);
    assertEquals(1, schedules.stream().filter(s -> s.get("cron_expression").asText().equals("@daily")).count());

    JsonNode restored = byId(again, every);
    assertTrue(restored.get("enabled").asBoolean());
    assertEquals(1, restored.get("total_runs").asInt());
    assertEquals(before.get("last_run"), restored.get("last_run"));
    assertEquals(before.get("created_at"), restored.get("created_at"));
    assertEquals(0, restored.get("active_runs").asInt());
    assertEquals("2031-03-04T06:01:00.000Z", restored.get("next_run").asText(), "from now: no catch-up for the downtime");

    JsonNode disabled = byId(again, nightly);
    assertFalse(disabled.get("enabled").asBoolean());
    assertEquals("disabled by request", disabled.get("disabled_reason").asText());
    assertTrue(disabled.get("next_run").isNull());
    assertEquals("SleepTask", disabled.get("task_type").asText());
    assertEquals("Europe/Berlin", disabled.get("tz").asText());
    assertEquals(0.1, disabled.get("params").get("sleep_time").asDouble());
    assertEquals(2, disabled.get("max_concurrent").asInt());
    assertEquals(4, disabled.get("pause_after_failures").asInt());

    // it goes on firing under its old id, and a deletion is kept too
    await().atMost(Duration.ofSeconds(15)).until(() -> byId(again, every).get("total_runs").asInt() == 2);
    assertEquals(2, again.postJson("/search", "{\"parent_id\": \"" + every + "\"}").json().get("task_ids").size(),
        "the instances before and after the restart name the same schedule (the store keeps both)");
    assertEquals(200, again.delete("/recurring/" + every).status());
    assertEquals(1, HttpProbe.await(second.brinjal().store().schedules()).size(), "deleted before the answer");
  }

  @Test
  void aStoredScheduleThatCannotBeUsedStopsTheStartNamingTheStoreAndTheEntry(Vertx vertx) throws IOException {
    String ok = "\"recurring_id\": \"r1\", \"created_at\": \"2031-01-01T00:00:00.000Z\", \"cron_expression\": \"@daily\"";
    Map<String, String> broken = Map.of(
        "{" + ok + ", \"task_type\": \"Vanished\"}", "task_type: no task type named 'Vanished'",
        "{" + ok + ", \"task_type\": \"NoopTask\", \"colour\": 1}", "colour: unknown key",
        "{" + ok + ", \"task_type\": \"NoopTask\", \"total_runs\": -1}", "total_runs");
    int n = 0;
    for (Map.Entry<String, String> c : broken.entrySet()) {
      Path db = dir.resolve("broken-" + (n++) + ".db");
      TaskStore store = new SqliteTaskStore(vertx, db, new BrinjalConfig.Retention(10, 10), SqliteTaskStore.Options.defaults());
      ObjectNode entry = (ObjectNode) Json.MAPPER.readTree(c.getKey());
      HttpProbe.await(store.open().compose(v -> store.saveSchedule("r1", entry)));
      HttpProbe.await(store.close());
      Throwable failure = assertThrows(Throwable.class, () -> TestServer.start(vertx, config(db)));
      String message = String.valueOf(failure.getMessage());
      assertTrue(message.contains(db.toString()) && message.contains("recurring schedule r1") && message.contains(c.getValue()),
          c.getKey() + " -> " + message);
    }
  }

  @Test
  void whenTheStoreCannotBeWrittenChangesAreRefusedWith503AndUndone(Vertx vertx) {
    Path db = dir.resolve("brinjal.db");
    TestServer server = TestServer.start(vertx, config(db));
    HttpProbe http = server.http();
    String kept = http.postJson("/recurring/NoopTask?cron_expression=" + q("@hourly"), "{}").json().get("recurring_id").asText();
    String nextRun = byId(http, kept).get("next_run").asText();

    try (StoreLock lock = StoreLock.hold(db)) { // another program holds the file's write lock
      Reply refused = http.postJson("/recurring/NoopTask?cron_expression=" + q("@weekly"), "{}");
      assertEquals(503, refused.status());
      assertTrue(refused.detail().contains("nothing of this request was stored"), refused.detail());
      assertTrue(Integer.parseInt(refused.headers().get("Retry-After")) > 0);
      assertFalse(refused.detail().contains(db.toString()), "no server paths in answers");
      assertEquals(2, list(http).size(), "the refused schedule is not there (configured + kept)");

      Reply disable = http.send(HttpMethod.PATCH, "/recurring/" + kept + "/disable", null, Map.of());
      assertEquals(503, disable.status());
      JsonNode unchanged = byId(http, kept);
      assertTrue(unchanged.get("enabled").asBoolean(), "undone");
      assertEquals(nextRun, unchanged.get("next_run").asText());

      assertEquals(503, http.delete("/recurring/" + kept).status());
      assertEquals(200, http.get("/recurring/" + kept).status(), "the refused delete is undone");
    }

    assertEquals(200, http.send(HttpMethod.PATCH, "/recurring/" + kept + "/disable", null, Map.of()).status());
    server.stop();
    List<ObjectNode> saved = storedSchedules(vertx, db);
    assertEquals(1, saved.size());
    assertEquals(kept, saved.get(0).get("recurring_id").asText());
    assertFalse(saved.get(0).get("enabled").asBoolean());
  }

  @Test
  void aRecurringStoreFileOfAnEarlierVersionIsImportedOnceThenIgnored(Vertx vertx) throws IOException {
    Path db = dir.resolve("brinjal.db");
    Path legacy = dir.resolve("recurring.json");
    Files.writeString(legacy, "{\"schedules\": [{\"recurring_id\": \"old-1\", \"created_at\": \"2030-01-01T00:00:00.000Z\","
        + " \"task_type\": \"NoopTask\", \"cron_expression\": \"@daily\", \"total_runs\": 7}]}");

    try (LogCapture logs = new LogCapture()) {
      TestServer first = TestServer.start(vertx, withLegacyFile(db, legacy));
      JsonNode imported = byId(first.http(), "old-1");
      assertEquals(7, imported.get("total_runs").asInt());
      assertFalse(logs.mentioning("1 schedule(s) imported from " + legacy).isEmpty());
      first.stop();
    }
    Files.writeString(legacy, "{\"schedules\": []}"); // the file is not read again, nor written

    try (LogCapture logs = new LogCapture()) {
      HttpProbe again = TestServer.start(vertx, withLegacyFile(db, legacy)).http();
      assertEquals(200, again.get("/recurring/old-1").status(), "the store keeps it now");
      assertFalse(logs.mentioning("recurring.store_file is retired").isEmpty());
    }
    assertEquals("{\"schedules\": []}", Files.readString(legacy));

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"schedules\": [{\"task_type\": \"Vanished\"}]}");
    Throwable failure = assertThrows(Throwable.class, () -> TestServer.start(vertx, withLegacyFile(dir.resolve("b.db"), bad)));
    assertTrue(String.valueOf(failure.getMessage()).contains("recurring.store_file"), failure.getMessage());
  }

  @Test
  void aGracefulStopStoresTheEndOfTheInstanceItCancelled(Vertx vertx) {
    Path db = dir.resolve("brinjal.db");
    String json = "{\"store\": {\"path\": " + Json.encode(db.toString()) + "}, \"shutdown\": {\"grace_seconds\": 0}}";
    Vertx own = Main.vertxReportingTo(io.brinjal.metrics.BrinjalMetrics.newRegistry()); // closed below, as Main does
    TestClock clock = TestClock.ticking();
    TestServer server = TestServer.start(own, json, clock);
    HttpProbe http = server.http();
    clock.set("2031-03-04T05:05:55.000Z"); // "* * * * *" is due in 5 s
    String id = http.postJson("/recurring/SleepTask?cron_expression=" + q("* * * * *"), "{\"sleep_time\": 60}")
        .json().get("recurring_id").asText();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
        http.get("/queue").json().toString().contains("\"running\""), http.get("/recurring/" + id).body()));

    Main.stop(own, server.verticle(), server.deploymentId(), io.brinjal.config.ConfigLoader.fromJson(json));

    ObjectNode saved = storedSchedules(vertx, db).get(0);
    assertEquals(id, saved.get("recurring_id").asText());
    assertEquals(1, saved.get("total_runs").asInt(), "the cancelled instance's end was stored before Vert.x closed: " + saved);
  }
}
