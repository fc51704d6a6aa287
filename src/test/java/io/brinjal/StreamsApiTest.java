package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.HttpProbe;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SSE plumbing: framing, keep-alives, the end of a task stream, and clean-up after clients. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamsApiTest {

  @Test
  void aStreamOfAFinishedTaskSendsItsStateAndEnds(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String id = http.create("noop_task", null);
    http.awaitTerminal(id);

    SseProbe stream = http.stream("/" + id + "/stream");

    assertEquals("done", stream.next().get("status").asText());
    stream.awaitEnd();
    assertEquals("no", stream.response().getHeader("X-Accel-Buffering"));
  }

  @Test
  void idleStreamsGetKeepAliveComments(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"streaming\": {\"keep_alive_seconds\": 1}}").http();
    SseProbe stream = http.stream("/queue/stream");
    stream.next();
    int before = stream.comments();
    await().atMost(Duration.ofSeconds(5)).until(() -> stream.comments() > before);
  }

  @Test
  void clientsThatGoAwayLeaveNoSubscriptionBehind(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    HttpProbe http = server.http();
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);

    List<SseProbe> streams = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      streams.add(http.stream("/queue/stream"));
      streams.add(http.stream("/" + running + "/stream"));
    }
    streams.forEach(SseProbe::next);
    assertEquals(20, server.brinjal().streams().openStreams());

    streams.forEach(SseProbe::disconnect);

    await().atMost(Duration.ofSeconds(5)).until(() -> server.brinjal().streams().openStreams() == 0);
    Gates.open(gate);
    assertEquals("done", http.awaitTerminal(running).get("status").asText());
  }

  @Test
  void aTaskStreamReleasesItselfAfterTheTerminalEvent(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    HttpProbe http = server.http();
    String id = http.create("sleep_task", "{\"sleep_time\":0.05}");
    SseProbe stream = http.stream("/" + id + "/stream");

    List<com.fasterxml.jackson.databind.JsonNode> events = stream.untilTerminal();
    stream.awaitEnd();

    assertTrue(events.get(events.size() - 1).get("completed_at").isTextual());
    await().atMost(Duration.ofSeconds(5)).until(() -> server.brinjal().streams().openStreams() == 0);
  }
}
