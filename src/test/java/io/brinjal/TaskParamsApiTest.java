package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parameter binding through the real HTTP interface, and every client error it can meet. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TaskParamsApiTest {
  private HttpProbe http;

  @BeforeEach
  void start(Vertx vertx) {
    http = TestServer.start(vertx).http();
  }

  private JsonNode paramsOf(String id) {
    return http.task(id).get("params");
  }

  @Test
  void omittedParametersKeepTheClassDefaults() {
    JsonNode params = paramsOf(http.create("example_cpu_task", null));
    assertEquals("Example Task", params.get("name").asText());
    assertEquals(0.1, params.get("sleep_time").asDouble());
    assertEquals(0.0, params.get("failure_probability").asDouble());
  }

  @Test
  void parametersBindFromTheJsonBody() {
    JsonNode params = paramsOf(http.create("example_cpu_task", "{\"name\":\"Render\",\"sleep_time\":0.5}"));
    assertEquals("Render", params.get("name").asText());
    assertEquals(0.5, params.get("sleep_time").asDouble());
  }

  @Test
  void theQueryStringBindsAndWinsOverTheBody() {
    Reply reply = http.postJson("/example_cpu_task?sleep_time=0.25&name=From%20query", "{\"name\":\"From body\",\"failure_probability\":0.5}");
    assertEquals(200, reply.status(), reply.toString());
    JsonNode params = paramsOf(reply.json().get("task_id").asText());
    assertEquals("From query", params.get("name").asText());
    assertEquals(0.25, params.get("sleep_time").asDouble());
    assertEquals(0.5, params.get("failure_probability").asDouble());
  }

  @Test
  void aTaskJsonCarriesEveryKeyWithNullsWhereUnset() {
    JsonNode task = http.task(http.create("example_cpu_task", null));
    for (String key : new String[] {"task_id", "parent_id", "task_type", "status", "progress", "semaphore_name",
        "img", "heading", "body", "created_at", "started_at", "completed_at", "error_type", "error_message",
        "error_traceback", "results", "params"}) {
      assertTrue(task.has(key), "missing " + key + " in " + task);
    }
    assertEquals("ExampleCPUTask", task.get("task_type").asText());
    assertEquals("single", task.get("semaphore_name").asText());
    assertTrue(task.get("parent_id").isNull());
    assertTrue(task.get("created_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
  }

  @ParameterizedTest(name = "{0} -> 422 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"sleep_time\":\"soon\"}|sleep_time",
      "{\"sleep_time\":true}|sleep_time",
      "{\"name\":42}|name",
      "{\"name\":null,\"sleep_time\":null}|sleep_time",
      "{\"colour\":\"red\"}|colour",
      "{\"failure_probability\":2}|failure_probability",
      "{\"sleep_time\":-1}|sleep_time",
      "{\"sleep_time\":1e999}|sleep_time",
      "{\"name\":{\"nested\":1}}|name"})
  void badBodyParametersAreRefusedWith422NamingTheParameter(String body, String param) {
    Reply reply = http.postJson("/example_cpu_task", body);
    assertEquals(422, reply.status(), reply.toString());
    assertTrue(reply.detail().contains("'" + param + "'"), reply.detail());
  }

  @ParameterizedTest(name = "?{0} -> 422 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "sleep_time=soon|sleep_time",
      "sleep_time=NaN|sleep_time",
      "sleep_time=Infinity|sleep_time",
      "unknown=1|unknown",
      "sleep_time=0.1&sleep_time=0.2|sleep_time"})
  void badQueryParametersAreRefusedWith422(String query, String param) {
    Reply reply = http.post("/example_cpu_task?" + query);
    assertEquals(422, reply.status(), reply.toString());
    assertTrue(reply.detail().contains("'" + param + "'"), reply.detail());
  }

  @Test
  void integersOutOfRangeOrFractionalAreRefused() {
    assertEquals(422, http.postJson("/progress_task", "{\"steps\":12345678901234567890}").status());
    assertEquals(422, http.postJson("/progress_task", "{\"steps\":1.5}").status());
    assertEquals(422, http.post("/progress_task?steps=101").status());
    assertEquals(200, http.postJson("/progress_task", "{\"steps\":2.0,\"interval_ms\":0}").status());
  }

  @Test
  void malformedOrNonObjectBodiesAre400() {
    Reply malformed = http.postJson("/noop_task", "{\"a\":");
    assertEquals(400, malformed.status());
    assertTrue(malformed.detail().startsWith("malformed JSON"), malformed.detail());
    assertFalse(malformed.body().contains("at com.fasterxml"), "no stack trace in detail");
    Reply array = http.postJson("/noop_task", "[1,2]");
    assertEquals(400, array.status());
    assertTrue(array.detail().contains("JSON object"), array.detail());
    for (String trailing : new String[] {"{}{}", "{} x", "{\"sleep_time\":0} ]"}) {
      Reply refused = http.postJson("/sleep_task", trailing);
      assertEquals(400, refused.status(), trailing);
      assertTrue(refused.detail().contains("malformed JSON"), refused.detail());
    }
    assertEquals(400, http.postJson("/search", "").status());
    assertEquals(400, http.postJson("/search", "\"x\"").status());
  }

  @Test
  void aNonJsonContentTypeIs415() {
    Reply reply = http.send(HttpMethod.POST, "/noop_task", "name=x", Map.of("Content-Type", "text/plain"));
    assertEquals(415, reply.status());
    assertTrue(reply.detail().contains("application/json"), reply.detail());
  }

  @Test
  void aBodyWithoutContentTypeIsReadAsJson() {
    Reply reply = http.send(HttpMethod.POST, "/sleep_task", "{\"sleep_time\":0}", Map.of());
    assertEquals(200, reply.status(), reply.toString());
  }

  @Test
  void aBodyOverOneMebibyteIs413() {
    String huge = "{\"name\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
    Reply reply = http.postJson("/example_cpu_task", huge);
    assertEquals(413, reply.status());
    assertTrue(reply.detail().contains("too large"), reply.detail());
  }

  @Test
  void unknownRoutesAndTasksAre404() {
    Reply unknownType = http.post("/no_such_task");
    assertEquals(404, unknownType.status());
    assertTrue(unknownType.detail().contains("no_such_task"));
    assertEquals(404, http.get("/00000000-0000-0000-0000-000000000000").status());
    assertEquals(404, http.delete("/00000000-0000-0000-0000-000000000000").status());
    assertEquals(404, http.post("/00000000-0000-0000-0000-000000000000/cancel").status());
    assertEquals(404, http.get("/00000000-0000-0000-0000-000000000000/stream").status());
    Reply deep = http.get("/a/b/c/d");
    assertEquals(404, deep.status());
    assertTrue(deep.detail().contains("/a/b/c/d"));
  }

  @Test
  void wrongMethodsAre405() {
    assertEquals(405, http.send(HttpMethod.PUT, "/queue", null, Map.of()).status());
    assertEquals(405, http.post("/queue").status());
    assertEquals(405, http.delete("/task_types").status());
    assertEquals(405, http.get("/search").status());
    Reply patch = http.send(HttpMethod.PATCH, "/noop_task", "{}", Map.of("Content-Type", "application/json"));
    assertEquals(405, patch.status());
    assertTrue(patch.detail().contains("PATCH"), patch.detail());
  }

  @Test
  void taskTypesDescribeRoutesSemaphoresAndParameters() {
    JsonNode types = http.get("/task_types").json();
    JsonNode cpu = null;
    for (JsonNode t : types) if (t.get("name").asText().equals("ExampleCPUTask")) cpu = t;
    assertEquals("example_cpu_task", cpu.get("route").asText());
    assertEquals("single", cpu.get("semaphore").asText());
    JsonNode sleep = cpu.get("params").get(1);
    assertEquals("sleep_time", sleep.get("name").asText());
    assertEquals("number", sleep.get("type").asText());
    assertEquals(0.1, sleep.get("default").asDouble());
    assertFalse(sleep.get("description").asText().isEmpty());
  }
}
