package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
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

/** {@code recurring.store_file}: schedules created over HTTP survive a restart; a broken store is loud. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecurringStoreApiTest {
  @TempDir
  Path dir;

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String config(Path store) {
    return "{\"recurring\": {\"store_file\": " + Json.encode(store.toString()) + ", \"schedules\": ["
        + "{\"task_type\": \"NoopTask\", \"cron_expression\": \"@daily\"}]}}";
  }

  private static JsonNode byId(HttpProbe http, String id) {
    return http.get("/recurring/" + id).json();
  }

  private static List<JsonNode> list(HttpProbe http) {
    List<JsonNode> out = new ArrayList<>();
    http.get("/recurring").json().forEach(out::add);
    return out;
  }

  @Test
  void schedulesCreatedOverHttpSurviveARestartWithTheirStateAndStatistics(Vertx vertx) throws IOException {
    Path store = dir.resolve("state/recurring.json"); // the folder does not exist yet
    TestClock clock = TestClock.ticking();
    clock.set("2031-03-04T05:05:57.500Z"); // "* * * * *" is due in 2.5 s
    TestServer first = TestServer.start(vertx, config(store), clock);
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

    JsonNode file = Json.MAPPER.readTree(store.toFile());
    assertEquals(2, file.get("schedules").size(), "the configured schedule is not stored: " + file);

    clock.set("2031-03-04T06:00:57.500Z"); // an hour later, 2.5 s before the next match
    HttpProbe again = TestServer.start(vertx, config(store), clock).http();
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
    assertEquals(1, again.postJson("/search", "{\"parent_id\": \"" + every + "\"}").json().get("task_ids").size(),
        "the instance after the restart names the old id as its parent");
    assertEquals(200, again.delete("/recurring/" + every).status());
    assertEquals(1, Json.MAPPER.readTree(store.toFile()).get("schedules").size(), "deleted before the answer");
  }

  @Test
  void aStoreFileThatCannotBeUsedStopsTheStartNamingTheEntry(Vertx vertx) throws IOException {
    Path store = dir.resolve("recurring.json");
    String ok = "\"recurring_id\": \"r1\", \"created_at\": \"2031-01-01T00:00:00.000Z\", \"cron_expression\": \"@daily\"";
    Map<String, String> broken = Map.of(
        "{oops", "is not valid JSON",
        "[]", "must hold {\"schedules\": [...]}",
        "{\"schedules\": [{" + ok + ", \"task_type\": \"Vanished\"}]}", "schedules[0].task_type: no task type named 'Vanished'",
        "{\"schedules\": [{" + ok + ", \"task_type\": \"NoopTask\", \"colour\": 1}]}", "schedules[0].colour: unknown key",
        "{\"schedules\": [{" + ok + ", \"task_type\": \"NoopTask\", \"total_runs\": -1}]}", "schedules[0].total_runs",
        "{\"schedules\": [{" + ok + ", \"task_type\": \"NoopTask\"}, {" + ok + ", \"task_type\": \"NoopTask\"}]}",
        "schedules[1].recurring_id: 'r1' appears twice");
    broken.forEach((content, named) -> {
      try {
        Files.writeString(store, content);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
      Throwable failure = assertThrows(Throwable.class, () -> TestServer.start(vertx, config(store)));
      String message = String.valueOf(failure.getMessage());
      assertTrue(message.contains("recurring.store_file") && message.contains(named), content + " -> " + message);
    });

    Path aFile = Files.writeString(dir.resolve("not-a-folder"), "x");
    Throwable unwritable = assertThrows(Throwable.class,
        () -> TestServer.start(vertx, config(aFile.resolve("recurring.json"))));
    assertTrue(String.valueOf(unwritable.getMessage()).startsWith("recurring.store_file: could not write"),
        unwritable.getMessage());
  }

  @Test
  void whenTheStoreStopsWorkingChangesAreRefusedWith503AndUndone(Vertx vertx) throws IOException {
    Path folder = dir.resolve("store");
    Path store = folder.resolve("recurring.json");
    HttpProbe http = TestServer.start(vertx, config(store)).http();
    String kept = http.postJson("/recurring/NoopTask?cron_expression=" + q("@hourly"), "{}").json().get("recurring_id").asText();
    String nextRun = byId(http, kept).get("next_run").asText();

    // the folder turns into a file: every later write fails
    Files.delete(store);
    Files.delete(folder);
    Files.writeString(folder, "in the way");

    Reply refused = http.postJson("/recurring/NoopTask?cron_expression=" + q("@weekly"), "{}");
    assertEquals(503, refused.status());
    assertTrue(refused.detail().contains("was not created: the store file could not be written"), refused.detail());
    assertTrue(Integer.parseInt(refused.headers().get("Retry-After")) > 0);
    assertFalse(refused.detail().contains(folder.toString()), "no server paths in answers");
    assertEquals(2, list(http).size(), "the refused schedule is not there (configured + kept)");

    Reply disable = http.send(HttpMethod.PATCH, "/recurring/" + kept + "/disable", null, Map.of());
    assertEquals(503, disable.status());
    assertTrue(disable.detail().contains("was not disabled"), disable.detail());
    JsonNode unchanged = byId(http, kept);
    assertTrue(unchanged.get("enabled").asBoolean(), "undone");
    assertEquals(nextRun, unchanged.get("next_run").asText());

    assertEquals(503, http.delete("/recurring/" + kept).status());
    assertEquals(200, http.get("/recurring/" + kept).status(), "the refused delete is undone");

    Files.delete(folder); // fixed: the next change writes everything again
    assertEquals(200, http.send(HttpMethod.PATCH, "/recurring/" + kept + "/disable", null, Map.of()).status());
    JsonNode saved = Json.MAPPER.readTree(store.toFile()).get("schedules");
    assertEquals(1, saved.size());
    assertEquals(kept, saved.get(0).get("recurring_id").asText());
    assertFalse(saved.get(0).get("enabled").asBoolean());
  }
}
