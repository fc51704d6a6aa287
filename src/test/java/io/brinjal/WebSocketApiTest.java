package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.streaming.StreamService;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.RawSocket;
import io.brinjal.support.TestServer;
import io.brinjal.support.WsProbe;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The one-connection protocol on {@code GET /ws}. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketApiTest {
  private static final int IDS_PER_SOCKET = 10_000; // what the docs promise one connection may follow
  private TestServer server;
  private HttpProbe http;

  @BeforeEach
  void start(Vertx vertx) {
    server = TestServer.start(vertx);
    http = server.http();
  }

  @Test
  void subscribingToTheQueueSendsTheQueueThenAddedTasks() {
    String existing = http.create("noop_task", null);
    http.awaitTerminal(existing);
    WsProbe ws = WsProbe.connect(http, "/ws");

    ws.send("{\"op\":\"subscribe\",\"queue\":true}");

    JsonNode first = ws.nextOfType("queue_updated");
    assertEquals(existing, first.get("tasks").get(0).get("task_id").asText());
    assertTrue(first.get("seq").asLong() > 0);
    assertTrue(ws.nextOfType("subscribed").get("queue").asBoolean());
    String added = http.create("sleep_task", "{\"sleep_time\":0}");
    JsonNode addedEvent = ws.nextOfType("task_added");
    assertEquals(added, addedEvent.get("task").get("task_id").asText());
    assertTrue(addedEvent.get("seq").asLong() > first.get("seq").asLong());
  }

  @Test
  void oneConnectionFollowsManyTasksFromTheirCurrentStateToTheEnd() {
    String gate = Gates.newGate();
    String a = http.create("gate_task", "{\"gate\":\"" + gate + "\",\"semaphore_name\":\"multiple\"}");
    String b = http.create("gate_task", "{\"gate\":\"" + gate + "\",\"semaphore_name\":\"multiple\"}");
    Gates.awaitEntered(gate);
    WsProbe ws = WsProbe.connect(http, "/ws");

    ws.send("{\"op\":\"subscribe\",\"task_ids\":[\"" + a + "\",\"" + b + "\"]}");
    java.util.Map<String, List<JsonNode>> byTask = new java.util.HashMap<>();
    JsonNode ack = null;
    int ended = 0;
    while (ack == null || ended < 2) {
      JsonNode f = ws.next(); // nothing skipped: the snapshots come before the acknowledgement
      if (f.path("type").asText().equals("subscribed")) {
        ack = f;
        Gates.open(gate);
      } else if (f.path("type").asText().equals("task_updated")) {
        byTask.computeIfAbsent(f.get("task_id").asText(), k -> new java.util.ArrayList<>()).add(f);
        if (f.get("status").asText().equals("done")) ended++;
      }
    }
    assertEquals(2, ack.get("task_ids").size());
    for (String id : List.of(a, b)) {
      List<JsonNode> events = byTask.get(id);
      assertEquals("running", events.get(0).get("status").asText(), "current state first");
      assertEquals("done", events.get(events.size() - 1).get("status").asText());
      long previous = 0;
      for (JsonNode e : events) {
        assertTrue(e.get("seq").asLong() > previous, "seq increases");
        previous = e.get("seq").asLong();
      }
    }
  }

  @Test
  void afterUnsubscribeNoMoreEventsOfThatTaskArrive() {
    String gate = Gates.newGate();
    String watched = http.create("gate_task", "{\"gate\":\"" + gate + "\",\"semaphore_name\":\"multiple\"}");
    Gates.awaitEntered(gate);
    WsProbe ws = WsProbe.connect(http, "/ws");
    ws.send("{\"op\":\"subscribe\",\"task_ids\":[\"" + watched + "\"],\"queue\":true}");
    ws.nextOfType("subscribed");

    ws.send("{\"op\":\"unsubscribe\",\"task_ids\":[\"" + watched + "\"]}");
    ws.nextOfType("unsubscribed");
    Gates.open(gate);
    // the queue subscription is a witness: once this task_added arrives, the watched
    // task's terminal event (published earlier) would have arrived too, had we still listened
    http.awaitTerminal(watched);
    String marker = http.create("noop_task", null);
    ws.nextMatching(f -> f.path("type").asText().equals("task_added") && f.get("task").get("task_id").asText().equals(marker));

    assertFalse(ws.drained().stream().anyMatch(f -> watched.equals(f.path("task_id").asText())
        && f.path("type").asText().equals("task_updated")));
    assertEquals(1, server.brinjal().streams().subscribers(), "only the queue subscription is left");
  }

  @Test
  void badFramesGetAnErrorAndTheConnectionLivesOn() {
    WsProbe ws = WsProbe.connect(http, "/ws");
    String[][] cases = {
        {"not json", "malformed JSON"},
        {"[1,2]", "JSON object"},
        {"{\"op\":\"dance\"}", "unknown op"},
        {"{\"op\":\"subscribe\"}", "task_ids"},
        {"{\"op\":\"subscribe\",\"task_ids\":\"abc\"}", "array"},
        {"{\"op\":\"subscribe\",\"task_ids\":[42]}", "task id strings"},
        {"{\"op\":\"subscribe\",\"queue\":\"yes\"}", "true or false"},
        {"{\"op\":\"subscribe\",\"queue\":true,\"resume_from\":-3}", "resume_from"},
        {"{\"op\":\"subscribe\",\"task_ids\":[\"no-such-task\"]}", "not found"}};
    for (String[] c : cases) {
      ws.send(c[0]);
      JsonNode error = ws.nextOfType("error");
      assertTrue(error.get("detail").asText().contains(c[1]), c[0] + " -> " + error);
    }
    String id = http.create("noop_task", null);
    ws.send("{\"op\":\"subscribe\",\"task_ids\":[\"" + id + "\"]}");
    List<JsonNode> events = ws.taskUntilTerminal(id);
    assertEquals("done", events.get(events.size() - 1).get("status").asText());
    assertFalse(ws.isClosed());
  }

  @Test
  void compressionIsNeverNegotiated() {
    try (RawSocket raw = RawSocket.open(http.port())) {
      String head = raw.upgrade("/ws", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n");
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-extensions"), head);
    }
  }

  @Test
  void aFrameOverTheLimitIsAnsweredWithClose1009() {
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.upgrade("/ws", "");
      byte[] huge = subscribeOfBytes(StreamService.MAX_WEBSOCKET_MESSAGE_BYTES + 1);
      raw.sendFrame(0x1, true, huge);
      RawSocket.Frame close = raw.readUntilCloseFrame();
      assertTrue(close != null, "a close frame, not a dropped connection");
      assertEquals(1009, close.closeCode());
    }
    assertEquals(200, http.get("/queue").status());
  }

  @Test
  void aMessageWhoseFramesAddUpPastTheLimitIsAnsweredWithClose1009() {
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.upgrade("/ws", "");
      byte[] half = new byte[StreamService.MAX_WEBSOCKET_MESSAGE_BYTES / 2 + 1];
      java.util.Arrays.fill(half, (byte) 'a');
      raw.sendFrame(0x1, false, "{\"op\":\"subscribe\",\"x\":\"".getBytes(StandardCharsets.US_ASCII));
      raw.sendFrame(0x0, false, half);
      raw.sendFrame(0x0, true, half);
      RawSocket.Frame close = raw.readUntilCloseFrame();
      assertTrue(close != null, "a close frame, not a dropped connection");
      assertEquals(1009, close.closeCode());
    }
  }

  @Test
  void tenThousandIdsFitInOneSubscribeAndOneMoreIsRefusedWithTheSocketOpen() {
    String id = http.create("noop_task", null);
    http.awaitTerminal(id);
    // the acknowledgement names all 10,000 ids: a client that takes messages that large
    WsProbe ws = WsProbe.connect(http.vertx().createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setMaxFrameSize(StreamService.MAX_WEBSOCKET_MESSAGE_BYTES).setMaxMessageSize(4 * StreamService.MAX_WEBSOCKET_MESSAGE_BYTES)),
        http.port(), "/ws");
    ws.send("{\"op\":\"subscribe\",\"task_ids\":" + io.brinjal.json.Json.encode(
        java.util.Collections.nCopies(IDS_PER_SOCKET, id)) + "}"); // ~390 KB in one message
    assertEquals(IDS_PER_SOCKET, ws.nextOfType("subscribed").get("task_ids").size());

    ws.send("{\"op\":\"subscribe\",\"task_ids\":" + io.brinjal.json.Json.encode(
        java.util.Collections.nCopies(IDS_PER_SOCKET + 1, id)) + "}");
    assertTrue(ws.nextOfType("error").get("detail").asText().contains("at most 10000"));
    assertFalse(ws.isClosed());
    ws.close();
  }

  @Test
  void largeEventsReachAClientWhoseFramesAreLimitedTo64KiB() {
    // the default Vert.x client refuses frames over 64 KiB; the server's own limit is 1 MiB
    String id = http.create("chatty_task", "{\"updates\":3,\"body_bytes\":150000}");
    WsProbe ws = WsProbe.connect(http, "/ws");
    ws.send("{\"op\":\"subscribe\",\"task_ids\":[\"" + id + "\"]}");
    List<JsonNode> events = ws.taskUntilTerminal(id);
    JsonNode last = events.get(events.size() - 1);
    assertEquals("done", last.get("status").asText());
    assertTrue(last.get("body").asText().length() > 150_000, "the whole body arrived");
    assertFalse(ws.isClosed());
  }

  /** A subscribe message of exactly {@code size} bytes. */
  private static byte[] subscribeOfBytes(int size) {
    String head = "{\"op\":\"subscribe\",\"task_ids\":[\"";
    String tail = "\"]}";
    return (head + "a".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.US_ASCII);
  }
}
