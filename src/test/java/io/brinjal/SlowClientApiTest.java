package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.streaming.StreamService;
import io.brinjal.streaming.Transport;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Scrape;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** One client that stops reading must not cost memory without bound or hurt the others. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientApiTest {
  private static final int BOUND = 256 * 1024;

  @Test
  void aClientThatStopsReadingIsBoundedThenDroppedWhileOthersGetEverything(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"streaming\": {\"min_event_interval_ms\": 0,"
        + " \"max_buffered_bytes_per_client\": " + BOUND + ", \"slow_client_timeout_seconds\": 2}}");
    HttpProbe http = server.http();
    StreamService streams = server.brinjal().streams();
    String gate = Gates.newGate();
    String chatty = http.create("chatty_task", "{\"gate\":\"" + gate + "\",\"updates\":3000,\"body_bytes\":16384}");
    String other = http.create("sleep_task", "{\"sleep_time\":0.5,\"semaphore_name\":\"multiple\"}");

    HttpProbe stalling = new HttpProbe(vertx, http.port(), new HttpClientOptions().setReceiveBufferSize(4096));
    SseProbe slow = stalling.stream("/" + chatty + "/stream");
    slow.next();
    slow.stopReading();
    SseProbe healthy = http.stream("/" + chatty + "/stream");
    SseProbe bystander = http.stream("/" + other + "/stream");
    healthy.next();
    Gates.open(gate);

    List<JsonNode> seen = healthy.untilTerminal();
    assertEquals("done", seen.get(seen.size() - 1).get("status").asText());
    assertEquals(100, seen.get(seen.size() - 1).get("progress").asInt());
    List<JsonNode> bystanderSaw = bystander.untilTerminal();
    assertEquals("done", bystanderSaw.get(bystanderSaw.size() - 1).get("status").asText());

    StreamService.Counters sse = streams.stats(Transport.SSE);
    await().atMost(Duration.ofSeconds(15)).alias("dropped " + sse.droppedEvents() + ", backlog " + sse.largestBacklogBytes())
        .until(() -> sse.slowDisconnects() >= 1);
    assertTrue(sse.droppedEvents() > 0, "superseded progress was dropped for the slow client");
    assertTrue(sse.largestBacklogBytes() <= BOUND, "backlog " + sse.largestBacklogBytes() + " > " + BOUND);
    assertTrue(sse.largestBacklogBytes() > 0, "the slow client did fall behind");
    await().atMost(Duration.ofSeconds(5)).until(() -> streams.openStreams() == 0);
    Scrape scrape = Scrape.of(http);
    assertEquals(sse.slowDisconnects(), scrape.value("brinjal_stream_slow_disconnects_total", "transport", "sse"), "exported");
    assertEquals(0, scrape.value("brinjal_stream_slow_disconnects_total", "transport", "websocket"));
  }
}
