package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.streaming.StreamService;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code http.instances}: connections are spread over several event loops (each loop holds one
 * bus consumer per address for its streams), and every client still sees the same events.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpInstancesApiTest {

  private static List<SseProbe> queueStreams(HttpProbe http, int count) {
    List<SseProbe> streams = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SseProbe stream = http.stream("/queue/stream");
      stream.nextOfType("queue_updated");
      streams.add(stream);
    }
    return streams;
  }

  @Test
  void connectionsAreServedOnEveryLoopAndAllSeeTheSameEvents(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"http\": {\"instances\": 3}}");
    HttpProbe http = server.http();
    StreamService streams = server.brinjal().streams();
    List<SseProbe> clients = queueStreams(http, 6);
    await().atMost(Duration.ofSeconds(5)).until(() -> streams.subscribers() == 6);
    // Vert.x hands out event loops in turn, so three listeners sit on at least two distinct loops
    // (three with a pool of three loops or more: 2 per processor by default)
    int loops = streams.busConsumers();
    assertTrue(loops >= 2 && loops <= 3, "one queue consumer per loop that got connections: " + loops);

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(http.create("noop_task", null));
    for (String id : ids) assertEquals("done", http.awaitTerminal(id).get("status").asText());

    Set<String> added = new HashSet<>();
    for (SseProbe client : clients) {
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        JsonNode event = client.nextOfType("task_added");
        seen.add(event.get("task").get("task_id").asText() + "@" + client.lastId());
      }
      added.add(String.join(",", seen));
    }
    assertEquals(1, added.size(), "every loop delivered the same events, same ids, same order: " + added);
    clients.forEach(SseProbe::disconnect);
    await().atMost(Duration.ofSeconds(5)).until(() -> streams.busConsumers() == 0);
  }

  @Test
  void oneInstanceKeepsEverythingOnTheEngineLoop(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"http\": {\"instances\": 1}}");
    StreamService streams = server.brinjal().streams();
    List<SseProbe> clients = queueStreams(server.http(), 4);
    await().atMost(Duration.ofSeconds(5)).until(() -> streams.subscribers() == 4);
    assertEquals(1, streams.busConsumers());
    clients.forEach(SseProbe::disconnect);
  }

  @Test
  void twoServersInOneVertxWithPortZeroGetPortsOfTheirOwn(Vertx vertx) {
    TestServer a = TestServer.start(vertx, "{\"http\": {\"instances\": 2}}");
    TestServer b = TestServer.start(vertx, "{\"http\": {\"instances\": 2}}");
    String taskOfA = a.http().create("noop_task", null);
    assertEquals(404, b.http().get("/" + taskOfA).status(), "b is not a second face of a");
    assertEquals(200, a.http().get("/" + taskOfA).status());
  }
}
