package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.WsProbe;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Numbered events, and clients that drop and come back without losing anything. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplayApiTest {

  private record Seen(long id, JsonNode event) {}

  private static List<Seen> readUntilTerminal(SseProbe stream) {
    List<Seen> seen = new ArrayList<>();
    while (true) {
      JsonNode e = stream.next();
      seen.add(new Seen(stream.lastId(), e));
      String status = e.get("status").asText();
      if (status.equals("done") || status.equals("failed") || status.equals("cancelled")) return seen;
    }
  }

  private static JsonNode nextWithProgress(SseProbe stream, int progress) {
    while (true) {
      JsonNode e = stream.next();
      if (e.get("progress").asInt() == progress) return e;
    }
  }

  @Test
  void aClientThatReconnectsWithLastEventIdSeesEveryLaterStateAndTheEnd(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String gate = Gates.newGate();
    String id = http.create("step_task", "{\"gate\":\"" + gate + "\",\"steps\":4}");
    SseProbe witness = http.stream("/" + id + "/stream");
    SseProbe client = http.stream("/" + id + "/stream");
    client.next();
    long firstId = client.lastId();

    Gates.open(gate + "-1");
    nextWithProgress(client, 25);
    long resumeAt = client.lastId();
    assertTrue(resumeAt > firstId, "ids increase");
    client.disconnect();
    for (int step = 2; step <= 3; step++) {
      Gates.open(gate + "-" + step);
      nextWithProgress(witness, step * 25); // one state at a time, so none is coalesced away
    }
    Gates.open(gate + "-4");
    List<Seen> all = readUntilTerminal(witness);
    SseProbe back = http.stream("/" + id + "/stream", Map.of("Last-Event-ID", Long.toString(resumeAt)));
    List<Seen> replayed = readUntilTerminal(back);

    // a step writes body and progress separately, so the first replayed event may still show 25
    assertEquals(List.of(50, 75, 100), replayed.stream().map(s -> s.event().get("progress").asInt()).distinct()
        .filter(p -> p > 25).toList());
    assertEquals("done", replayed.get(replayed.size() - 1).event().get("status").asText());
    replayed.forEach(s -> assertTrue(s.id() > resumeAt, "only what was missed"));
    assertEquals(all.get(all.size() - 1).id(), replayed.get(replayed.size() - 1).id(), "the same terminal event");
    back.awaitEnd();
  }

  @Test
  void aGapOlderThanTheRingFallsBackToAFreshSnapshot(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"streaming\": {\"replay_events\": 4}}").http();
    String gate = Gates.newGate();
    String id = http.create("step_task", "{\"gate\":\"" + gate + "\",\"steps\":2}");
    SseProbe client = http.stream("/" + id + "/stream");
    client.next();
    long resumeAt = client.lastId();
    client.disconnect();
    Gates.open(gate + "-1");
    for (int i = 0; i < 5; i++) http.awaitTerminal(http.create("noop_task", null)); // push old events out

    SseProbe back = http.stream("/" + id + "/stream", Map.of("Last-Event-ID", Long.toString(resumeAt)));
    JsonNode snapshot = nextWithProgress(back, 50);

    assertTrue(back.lastId() > resumeAt + 4, "a snapshot numbered now, not a replay");
    assertEquals("step 1", snapshot.get("body").asText());
    Gates.open(gate + "-2");
    List<Seen> rest = readUntilTerminal(back);
    assertEquals("done", rest.get(rest.size() - 1).event().get("status").asText());
  }

  @Test
  void theQueueStreamReplaysMissedAdditionsAndRemovals(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    SseProbe client = http.stream("/queue/stream");
    client.next();
    long resumeAt = client.lastId();
    client.disconnect();
    String added = http.create("noop_task", null);
    http.awaitTerminal(added);
    http.delete("/" + added);

    SseProbe back = http.stream("/queue/stream", Map.of("Last-Event-ID", Long.toString(resumeAt)));

    JsonNode first = back.next();
    assertEquals("task_added", first.get("type").asText());
    assertEquals(added, first.get("task").get("task_id").asText());
    JsonNode second = back.next();
    assertEquals("task_removed", second.get("type").asText());
  }

  @Test
  void aWebSocketResumesFromTheLastSeqItSaw(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String gate = Gates.newGate();
    String id = http.create("step_task", "{\"gate\":\"" + gate + "\",\"steps\":2}");
    WsProbe ws = WsProbe.connect(http, "/ws");
    ws.send("{\"op\":\"subscribe\",\"task_ids\":[\"" + id + "\"]}");
    long seen = ws.nextOfType("task_updated").get("seq").asLong();
    ws.close();
    Gates.open(gate + "-1");
    Gates.open(gate + "-2");
    http.awaitTerminal(id);

    WsProbe back = WsProbe.connect(http, "/ws");
    back.send("{\"op\":\"subscribe\",\"task_ids\":[\"" + id + "\"],\"resume_from\":" + seen + "}");
    List<JsonNode> replayed = back.taskUntilTerminal(id);

    replayed.forEach(e -> assertTrue(e.get("seq").asLong() > seen));
    assertEquals("done", replayed.get(replayed.size() - 1).get("status").asText());
  }

  @Test
  void aMalformedLastEventIdIs400(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    var reply = http.send(io.vertx.core.http.HttpMethod.GET, "/queue/stream", null, Map.of("Last-Event-ID", "yesterday"));
    assertEquals(400, reply.status());
    assertTrue(reply.detail().contains("Last-Event-ID"));
  }
}
