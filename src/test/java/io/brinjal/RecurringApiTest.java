package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.TestClock;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The /recurring endpoints over real HTTP, including one real firing. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecurringApiTest {
  private static final Set<String> LISTING_KEYS = new TreeSet<>(Set.of("recurring_id", "task_type",
      "cron_expression", "tz", "params", "max_concurrent", "pause_after_failures", "priority", "max_attempts", "enabled",
      "disabled_reason",
      "next_run", "last_run", "active_runs", "consecutive_failures", "total_runs", "total_failures",
      "skipped_runs", "last_error", "created_at"));

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Reply patch(HttpProbe http, String path) {
    return http.send(HttpMethod.PATCH, path, null, Map.of());
  }

  private static Set<String> keys(JsonNode node) {
    Set<String> out = new TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void createListDisableEnableDelete(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();

    Reply created = http.postJson("/recurring/ExampleCPUTask?cron_expression=" + q("*/5 * * * *")
        + "&max_concurrent=2&tz=Europe/Berlin&pause_after_failures=3", "{\"name\": \"Nightly\", \"sleep_time\": 0.01}");
    assertEquals(200, created.status(), created.toString());
    String id = created.json().get("recurring_id").asText();
    assertTrue(created.json().get("message").asText().contains("first run at"), created.toString());

    JsonNode list = http.get("/recurring").json();
    assertEquals(1, list.size());
    JsonNode s = list.get(0);
    assertEquals(LISTING_KEYS, keys(s));
    assertEquals(id, s.get("recurring_id").asText());
    assertEquals("ExampleCPUTask", s.get("task_type").asText());
    assertEquals("*/5 * * * *", s.get("cron_expression").asText());
    assertEquals("Europe/Berlin", s.get("tz").asText());
    assertEquals("Nightly", s.get("params").get("name").asText());
    assertEquals(2, s.get("max_concurrent").asInt());
    assertEquals(3, s.get("pause_after_failures").asInt());
    assertTrue(s.get("enabled").asBoolean());
    assertTrue(Instant.parse(s.get("next_run").asText()).isAfter(Instant.now()));
    assertTrue(s.get("last_run").isNull());
    assertEquals(0, s.get("total_runs").asInt());
    assertEquals(s, http.get("/recurring/" + id).json());
    assertEquals(0, http.get("/queue").json().size()); // registration ran nothing

    // brinjal's texts, which its clients match on; "changed" says whether the toggle did anything
    Reply disabled = patch(http, "/recurring/" + id + "/disable");
    assertEquals(200, disabled.status());
    assertEquals("Recurring task " + id + " disabled successfully", disabled.json().get("message").asText());
    assertTrue(disabled.json().get("changed").asBoolean());
    JsonNode off = http.get("/recurring/" + id).json();
    assertFalse(off.get("enabled").asBoolean());
    assertTrue(off.get("next_run").isNull());
    Reply again = patch(http, "/recurring/" + id + "/disable");
    assertEquals("Recurring task " + id + " disabled successfully", again.json().get("message").asText());
    assertFalse(again.json().get("changed").asBoolean());

    Reply enabled = patch(http, "/recurring/" + id + "/enable");
    assertEquals(200, enabled.status());
    assertEquals("Recurring task " + id + " enabled successfully", enabled.json().get("message").asText());
    assertTrue(enabled.json().get("changed").asBoolean());
    JsonNode on = http.get("/recurring/" + id).json();
    assertTrue(on.get("enabled").asBoolean());
    assertFalse(on.get("next_run").isNull());
    assertFalse(patch(http, "/recurring/" + id + "/enable").json().get("changed").asBoolean());

    Reply deleted = http.delete("/recurring/" + id);
    assertEquals(200, deleted.status());
    assertEquals("Recurring task " + id + " deleted successfully", deleted.json().get("message").asText());
    assertEquals(0, http.get("/recurring").json().size());
    Reply gone = http.get("/recurring/" + id);
    assertEquals(404, gone.status());
    assertEquals("Recurring task " + id + " not found", gone.detail());
    assertEquals("Recurring task " + id + " not found", patch(http, "/recurring/" + id + "/enable").detail());
  }

  @Test
  void brinjalsFrontendRequestWithItsTaskParametersInTheQueryIsAccepted(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();

    // exactly what brinjal's TaskList.js "Add Recurring CPU Task" button sends: no body
    Reply created = http.send(HttpMethod.POST, "/recurring/ExampleCPUTask?cron_expression=" + q("*/1 * * * *")
        + "&max_concurrent=1&name=Recurring%20CPU%20Task", null, Map.of());

    assertEquals(200, created.status(), created.toString());
    JsonNode schedule = http.get("/recurring/" + created.json().get("recurring_id").asText()).json();
    assertEquals("Recurring CPU Task", schedule.get("params").get("name").asText());
    assertEquals(1, schedule.get("params").size(), schedule.toString());
    assertEquals(1, schedule.get("max_concurrent").asInt());
    assertEquals("*/1 * * * *", schedule.get("cron_expression").asText());
  }

  @Test
  void queryTaskParametersMergeOverTheBodyTypedAndFireWithTheSchedule(Vertx vertx) {
    TestClock clock = TestClock.ticking();
    HttpProbe http = TestServer.start(vertx, "{}", clock).http();
    clock.set("2031-03-04T05:05:57.500Z");

    String id = http.postJson("/recurring/ExampleCPUTask?cron_expression=" + q("* * * * *")
            + "&name=From%20query&failure_probability=0.25",
        "{\"name\": \"From body\", \"sleep_time\": 0.01, \"failure_probability\": 0}")
        .json().get("recurring_id").asText();

    JsonNode params = http.get("/recurring/" + id).json().get("params");
    assertEquals("From query", params.get("name").asText());
    assertEquals(0.01, params.get("sleep_time").asDouble());
    assertTrue(params.get("failure_probability").isNumber(), params.toString()); // read as its type, not text
    assertEquals(0.25, params.get("failure_probability").asDouble());
    await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/queue").json().size() == 1);
    JsonNode instance = http.get("/queue").json().get(0);
    assertEquals("From query", instance.get("params").get("name").asText());
    assertEquals(0.25, instance.get("params").get("failure_probability").asDouble());
  }

  @Test
  void aScheduleGivesItsTasksItsPriorityAndAttempts(Vertx vertx) {
    TestClock clock = TestClock.ticking();
    HttpProbe http = TestServer.start(vertx, "{\"retry\": {\"base_seconds\": 0.05, \"max_seconds\": 0.05}}", clock).http();
    clock.set("2031-03-04T05:05:58.500Z");
    String key = java.util.UUID.randomUUID().toString();
    for (String bad : new String[] {"&priority=101", "&priority=x", "&max_attempts=0", "&max_attempts=101"}) {
      Reply refused = http.postJson("/recurring/FlakyTask?cron_expression=" + q("* * * * *") + bad, "{}");
      assertEquals(422, refused.status(), bad + " " + refused);
      assertTrue(refused.detail().contains(bad.substring(1, bad.indexOf('='))), refused.detail());
    }
    String id = http.postJson("/recurring/FlakyTask?cron_expression=" + q("* * * * *") + "&priority=-7&max_attempts=3",
        "{\"key\": \"" + key + "\", \"failures\": 1}").json().get("recurring_id").asText();
    JsonNode schedule = http.get("/recurring/" + id).json();
    assertEquals(-7, schedule.get("priority").asInt());
    assertEquals(3, schedule.get("max_attempts").asInt());

    await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/queue").json().size() == 1);
    JsonNode instance = http.awaitTerminal(http.get("/queue").json().get(0).get("task_id").asText());
    assertEquals("done", instance.get("status").asText(), instance.toString());
    assertEquals(-7, instance.get("priority").asInt());
    assertEquals(3, instance.get("max_attempts").asInt());
    assertEquals(2, instance.get("attempt").asInt(), "its first attempt failed and was retried");
  }

  @Test
  void previewsListTheNextRunsOfASchedulesOrOfAnExpression(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String id = http.postJson("/recurring/NoopTask?cron_expression=@daily&tz=America/New_York", "{}")
        .json().get("recurring_id").asText();

    JsonNode preview = http.get("/recurring/" + id + "/preview?n=3").json();
    assertEquals(id, preview.get("recurring_id").asText());
    assertEquals("@daily", preview.get("cron_expression").asText());
    assertEquals("America/New_York", preview.get("tz").asText());
    List<Instant> runs = times(preview);
    assertEquals(3, runs.size());
    assertTrue(runs.get(0).isBefore(runs.get(1)) && runs.get(1).isBefore(runs.get(2)));
    runs.forEach(t -> assertEquals(LocalTime.MIDNIGHT, t.atZone(ZoneId.of("America/New_York")).toLocalTime()));
    assertEquals(5, times(http.get("/recurring/" + id + "/preview").json()).size());

    JsonNode adHoc = http.get("/recurring/preview?cron_expression=" + q("0 9 * * MON-FRI") + "&n=10").json();
    assertEquals("UTC", adHoc.get("tz").asText());
    List<Instant> weekdays = times(adHoc);
    assertEquals(10, weekdays.size());
    weekdays.forEach(t -> assertTrue(t.toString().endsWith("T09:00:00Z"), t.toString()));
  }

  private static List<Instant> times(JsonNode preview) {
    return java.util.stream.StreamSupport.stream(preview.get("next_runs").spliterator(), false)
        .map(n -> Instant.parse(n.asText())).toList();
  }

  @ParameterizedTest(name = "{0} {1} -> {2} naming {3}")
  @CsvSource(delimiter = '|', value = {
      "POST  | /recurring/ExampleCPUTask?cron_expression=61%20*%20*%20*%20*                 | 422 | cron_expression",
      "POST  | /recurring/ExampleCPUTask?cron_expression=*%20*%20*%20*                      | 422 | cron_expression",
      "POST  | /recurring/ExampleCPUTask?cron_expression=0%200%2031%202%20*                 | 422 | never matches",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@reboot                            | 422 | @reboot",
      "POST  | /recurring/ExampleCPUTask                                                    | 422 | cron_expression",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&max_concurrent=0            | 422 | max_concurrent",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&max_concurrent=two          | 422 | max_concurrent",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&pause_after_failures=0      | 422 | pause_after_failures",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&tz=Mars/Olympus            | 422 | tz",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&enabled=maybe              | 422 | enabled",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&sleep_time=soon            | 422 | sleep_time",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&sleep_time=-1              | 422 | sleep_time",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&colour=red                  | 422 | colour",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&name=a&name=b               | 422 | name",
      "POST  | /recurring/ExampleCPUTask?cron_expression=@daily&cron_expression=@hourly    | 422 | cron_expression",
      "POST  | /recurring/NoSuchTask?cron_expression=@daily                                 | 404 | NoSuchTask",
      "POST  | /recurring                                                                   | 405 | POST",
      "GET   | /recurring/nope                                                              | 404 | nope",
      "GET   | /recurring/nope/preview                                                      | 404 | nope",
      "PATCH | /recurring/nope/enable                                                       | 404 | nope",
      "PATCH | /recurring/nope/disable                                                      | 404 | nope",
      "DELETE| /recurring/nope                                                              | 404 | nope",
      "GET   | /recurring/preview                                                           | 422 | cron_expression",
      "GET   | /recurring/preview?cron_expression=@daily&n=0                                | 422 | n",
      "GET   | /recurring/preview?cron_expression=@daily&n=101                              | 422 | n",
  })
  void badRequestsAreRefusedNamingTheProblem(String method, String path, int status, String named, Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    Reply reply = http.send(HttpMethod.valueOf(method.trim()), path.trim(), null, Map.of());
    assertEquals(status, reply.status(), reply.toString());
    assertTrue(reply.detail().contains(named.trim()), reply.toString());
    assertEquals(0, http.get("/recurring").json().size());
  }

  @Test
  void badBodiesAreRefusedNamingTheProblem(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String path = "/recurring/ExampleCPUTask?cron_expression=@daily";

    Reply unknown = http.postJson(path, "{\"colour\": \"red\"}");
    assertEquals(422, unknown.status());
    assertTrue(unknown.detail().contains("colour"), unknown.toString());
    Reply wrongType = http.postJson(path, "{\"sleep_time\": \"soon\"}");
    assertEquals(422, wrongType.status());
    assertTrue(wrongType.detail().contains("sleep_time"), wrongType.toString());
    assertEquals(400, http.postJson(path, "[1, 2]").status());
    assertEquals(400, http.postJson(path, "{oops").status());
    assertEquals(0, http.get("/recurring").json().size());
  }

  @Test
  void aScheduleFiresForRealAndItsInstanceNamesItsParent(Vertx vertx) {
    TestClock clock = TestClock.ticking();
    HttpProbe http = TestServer.start(vertx, "{}", clock).http();
    // the server's clock now reads 2.5 s before a whole minute, so "* * * * *" is due in 2.5 s
    clock.set("2031-03-04T05:05:57.500Z");

    String id = http.postJson("/recurring/NoopTask?cron_expression=" + q("* * * * *"), "{}")
        .json().get("recurring_id").asText();
    assertEquals("2031-03-04T05:06:00.000Z", http.get("/recurring/" + id).json().get("next_run").asText());
    assertEquals(0, http.get("/queue").json().size());

    await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/queue").json().size() == 1);
    JsonNode instance = http.get("/queue").json().get(0);
    assertEquals(id, instance.get("parent_id").asText());
    assertEquals("NoopTask", instance.get("task_type").asText());
    JsonNode found = http.postJson("/search", "{\"parent_id\": \"" + id + "\"}").json();
    assertEquals(instance.get("task_id").asText(), found.get("task_ids").get(0).asText());

    assertEquals("done", http.awaitTerminal(instance.get("task_id").asText()).get("status").asText());
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/recurring/" + id).json().get("total_runs").asInt() == 1);
    JsonNode after = http.get("/recurring/" + id).json();
    assertEquals("2031-03-04T05:07:00.000Z", after.get("next_run").asText());
    assertTrue(after.get("last_run").asText().startsWith("2031-03-04T05:06:00"), after.toString());
  }

  @Test
  void schedulesDeclaredInTheConfigurationAreCreatedAtStartUp(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, """
        {"recurring": {"default_tz": "Europe/Paris", "schedules": [
          {"task_type": "ExampleCPUTask", "params": {"name": "Report"}, "cron_expression": "0 2 * * *"},
          {"task_type": "NoopTask", "cron_expression": "@hourly", "max_concurrent": 3, "enabled": false,
           "tz": "UTC", "pause_after_failures": 5}
        ]}}""").http();

    JsonNode list = http.get("/recurring").json();
    assertEquals(2, list.size());
    JsonNode report = list.get(0);
    assertEquals("ExampleCPUTask", report.get("task_type").asText());
    assertEquals("Europe/Paris", report.get("tz").asText());
    assertEquals("Report", report.get("params").get("name").asText());
    assertEquals(1, report.get("max_concurrent").asInt());
    assertTrue(report.get("enabled").asBoolean());
    assertFalse(report.get("next_run").isNull());
    JsonNode noop = list.get(1);
    assertEquals("UTC", noop.get("tz").asText());
    assertEquals(3, noop.get("max_concurrent").asInt());
    assertEquals(5, noop.get("pause_after_failures").asInt());
    assertFalse(noop.get("enabled").asBoolean());
    assertTrue(noop.get("next_run").isNull());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"task_type\": \"Nope\", \"cron_expression\": \"@daily\"}                               | recurring.schedules[0].task_type",
      "{\"task_type\": \"ExampleCPUTask\", \"cron_expression\": \"@daily\", \"params\": {\"x\": 1}} | recurring.schedules[0] (ExampleCPUTask): parameter 'x'",
  })
  void aBadConfiguredScheduleFailsStartUpNamingIt(String entry, String named, Vertx vertx) {
    Throwable failure = assertThrows(Throwable.class,
        () -> TestServer.start(vertx, "{\"recurring\": {\"schedules\": [" + entry + "]}}"));
    String message = String.valueOf(failure.getMessage());
    assertTrue(message.contains(named), message);
  }
}
