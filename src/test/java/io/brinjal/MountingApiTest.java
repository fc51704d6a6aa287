package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.HostApplication;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API under a configured prefix, and Brinjal's router inside someone else's application. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MountingApiTest {

  @Test
  void aConfiguredPrefixMovesEveryRoute(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"prefix\": \"/api/tasks\"}}").http();

    String id = http.create("api/tasks/noop_task", null);
    var events = http.stream("/api/tasks/" + id + "/stream").untilTerminal();
    assertEquals("done", events.get(events.size() - 1).get("status").asText());
    assertEquals(200, http.get("/api/tasks/queue").status());
    assertEquals(id, http.get("/api/tasks/" + id).json().get("task_id").asText());
    assertEquals(404, http.get("/queue").status());
    assertEquals(404, http.post("/noop_task").status());
  }

  @Test
  void brinjalMountsInsideAnotherVertxApplication(Vertx vertx) {
    HostApplication host = HostApplication.deploy(vertx,
        app -> app.get("/hello").handler(ctx -> ctx.end("hello from the host")));
    HttpProbe http = new HttpProbe(vertx, host.port());

    assertEquals("hello from the host", http.get("/hello").body());
    String id = http.create("jobs/sleep_task", "{\"sleep_time\":0}");
    var events = http.stream("/jobs/" + id + "/stream").untilTerminal();
    assertEquals("done", events.get(events.size() - 1).get("status").asText());
    assertEquals(1, http.get("/jobs/queue").json().size());
    var unknown = http.get("/jobs/" + "nope");
    assertEquals(404, unknown.status());
    assertTrue(unknown.detail().contains("nope"));
    var bad = http.postJson("/jobs/sleep_task", "{\"sleep_time\":\"x\"}");
    assertEquals(422, bad.status());
  }
}
