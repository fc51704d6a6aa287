package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.streaming.StreamService;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamLimitsApiTest {

  @Test
  void connectionsBeyondTheCapAre503WithRetryAfter(Vertx vertx) {
    TestServer server = TestServer.start(vertx, "{\"streaming\": {\"max_connections\": 3}}");
    HttpProbe http = server.http();
    List<SseProbe> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) open.add(http.stream("/queue/stream"));
    open.forEach(SseProbe::next);

    Reply refused = http.get("/queue/stream");
    assertEquals(503, refused.status());
    assertEquals("5", refused.headers().get("Retry-After"));
    assertTrue(refused.detail().contains("too many open streams"), refused.detail());
    assertEquals(503, http.get("/ws").status());

    open.get(0).disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.brinjal().streams().openStreams() == 2);
    http.stream("/queue/stream").next();
  }

  @Test
  void aThousandConnectAndDisconnectCyclesLeaveNoConsumerBehind(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    HttpProbe http = server.http();
    StreamService streams = server.brinjal().streams();
    String task = http.create("noop_task", null);
    http.awaitTerminal(task);

    for (int i = 0; i < 500; i++) {
      SseProbe sse = http.stream(i % 2 == 0 ? "/queue/stream" : "/" + task + "/stream");
      sse.next();
      sse.disconnect();
    }
    var wsClient = vertx.createWebSocketClient();
    for (int i = 0; i < 500; i++) {
      WsProbe ws = WsProbe.connect(wsClient, http.port(), "/ws");
      ws.send("{\"op\":\"subscribe\",\"queue\":true}");
      ws.nextOfType("subscribed");
      ws.disconnect();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> streams.subscribers() == 0 && streams.busConsumers() == 0);
  }
}
