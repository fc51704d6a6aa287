package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.RawSocket;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of random, mostly wrong, requests at every route: no 5xx, no hang, the server keeps
 * answering, and every task it accepted is still listed with a status that makes sense.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuzzApiTest {
  private static final Set<String> STATUSES = Set.of("queued", "running", "cancelling", "done", "failed", "cancelled");
  private static final String[] ROUTES = {"noop_task", "sleep_task", "example_cpu_task", "example_io_task",
      "progress_task", "failing_task", "queue", "completed", "search", "task_types", "semaphores", "recurring",
      "ws", "static", "test", "", "%", "%zz", "..", "../../etc/passwd", "ünïcödé", "\u0000", "a%00b",
      "x".repeat(3000), "00000000-0000-0000-0000-000000000000"};
  private static final String[] SUFFIXES = {"", "/stream", "/cancel", "/x/y", "?", "?a=1&a=2", "?sleep_time=NaN",
      "?sleep_time=1e400", "?name=%ff%fe", "?steps=-1", "?semaphore_name=" + "s".repeat(500)};
  private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS};
  private static final String[] ORIGINS = {"http://evil.example", "null", "http://127.0.0.1", "https://app.example.com"};
  private static final String[] CONTENT_TYPES = {"application/json", "text/plain", "application/x-www-form-urlencoded",
      "application/json; charset=latin1", "multipart/form-data; boundary=x", "application/vnd.api+json"};

  @Test
  void randomRequestsNeverBreakTheServerOrLoseATask(Vertx vertx) {
    HttpProbe pooled = TestServer.start(vertx,
        "{\"retention\": {\"done\": 100000, \"failed\": 100000}, \"limits\": {\"max_body_bytes\": 65536}}").http();
    // one connection per request: a refused request's unread body must not decide the next one's fate
    HttpProbe http = new HttpProbe(vertx, pooled.port(), new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    Random random = new Random(20261128);
    List<String> accepted = new ArrayList<>();
    List<String> known = new ArrayList<>(List.of("00000000-0000-0000-0000-000000000000"));
    Map<Integer, Integer> statusCounts = new HashMap<>();

    for (int batch = 0; batch < 60; batch++) {
      List<Future<Reply>> inFlight = new ArrayList<>();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        HttpMethod method = METHODS[random.nextInt(METHODS.length)];
        String path = randomPath(random, known);
        Map<String, String> headers = new HashMap<>();
        Buffer body = null;
        if (random.nextInt(5) == 0) { // a valid create now and then, so there are tasks to lose
          method = HttpMethod.POST;
          path = random.nextBoolean() ? "/noop_task" : "/sleep_task";
          body = Buffer.buffer(path.equals("/noop_task") ? "{}" : "{\"sleep_time\": 0.001}");
          headers.put("Content-Type", "application/json");
        } else if (random.nextInt(3) > 0) {
          body = Buffer.buffer(randomBody(random));
          if (random.nextInt(4) > 0) headers.put("Content-Type", CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
        }
        if (body == null || !headers.containsKey("Content-Type") || random.nextInt(8) == 0) {
          // browsers on other sites, sandboxed frames, and the server's own pages
          if (random.nextInt(6) == 0) headers.put("Origin", ORIGINS[random.nextInt(ORIGINS.length)]);
        }
        if (random.nextInt(10) == 0) headers.put("Last-Event-ID", random.nextBoolean() ? "-5" : "abc");
        if (random.nextInt(10) == 0) headers.put("Brinjal-Run-Timeout", random.nextBoolean() ? "0.5" : "x");
        sent.add(method + " " + path.substring(0, Math.min(120, path.length())));
        boolean stream = path.endsWith("/stream") || path.startsWith("/queue/stream") || path.startsWith("/ws");
        inFlight.add(stream && method == HttpMethod.GET ? Future.succeededFuture(new Reply(200, null, "")) // streams: own test
            : http.sendAsync(method, path, body, headers));
      }
      try {
        Future.join(inFlight).await(15, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        List<String> hung = new ArrayList<>();
        for (int i = 0; i < inFlight.size(); i++) if (!inFlight.get(i).isComplete()) hung.add(sent.get(i));
        throw new AssertionError("no answer within 15 s to: " + hung);
      }
      List<Reply> replies = inFlight.stream().map(f -> {
        if (f.failed()) throw new AssertionError("request failed", f.cause());
        return f.result();
      }).toList();
      for (int i = 0; i < replies.size(); i++) {
        Reply r = replies.get(i);
        statusCounts.merge(r.status(), 1, Integer::sum);
        assertTrue(r.status() < 500 || r.status() == 503, sent.get(i) + " -> " + r);
        if (r.status() >= 400 && r.headers() != null && !sent.get(i).startsWith("HEAD")) {
          String detail;
          try {
            detail = r.detail();
          } catch (AssertionError notJson) {
            throw new AssertionError(sent.get(i) + " -> " + r, notJson);
          }
          assertTrue(detail != null && !detail.isBlank(), sent.get(i) + " -> no detail: " + r);
          assertTrue(!detail.contains("\tat ") && !detail.contains("Exception:"), "stack trace leaked: " + detail);
        }
        if (r.status() == 200 && sent.get(i).startsWith("POST") && r.body().contains("\"task_id\"")) {
          String id = r.json().get("task_id").asText();
          accepted.add(id);
          known.add(id);
        }
      }
    }

    assertTrue(accepted.size() > 50, "the fuzzer created tasks too: " + accepted.size());
    assertTrue(statusCounts.keySet().stream().anyMatch(s -> s >= 400), statusCounts.toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/semaphores").status() == 200);
    Map<String, String> listed = new HashMap<>();
    for (JsonNode t : http.get("/queue").json()) listed.put(t.get("task_id").asText(), t.get("status").asText());
    for (String id : accepted) {
      // deleted ones are gone on purpose; every other accepted task is listed, in a real state
      Reply one = http.get("/" + id);
      if (one.status() == 404) continue;
      assertEquals(200, one.status());
      assertTrue(listed.containsKey(id), "accepted task missing from /queue: " + id);
      assertTrue(STATUSES.contains(listed.get(id)), listed.get(id));
    }
    assertEquals(200, http.get("/task_types").status(), "still answering");
  }

  private static String randomPath(Random random, List<String> known) {
    String head = random.nextInt(4) == 0 ? known.get(random.nextInt(known.size())) : ROUTES[random.nextInt(ROUTES.length)];
    return "/" + head + SUFFIXES[random.nextInt(SUFFIXES.length)];
  }

  private static String randomBody(Random random) {
    return switch (random.nextInt(13)) {
      case 0 -> "{";
      case 1 -> "[1,2,3]";
      case 2 -> "\"text\"";
      case 3 -> "{\"sleep_time\": 1e999}";
      case 4 -> "{\"sleep_time\": " + "9".repeat(400) + "}";
      case 5 -> "{\"name\": \"\\u0000\\u0007 ünïcödé 🍆\", \"sleep_time\": 0}";
      case 6 -> "{\"steps\": 3, \"interval_ms\": 0}";
      case 7 -> "{\"status\": \"done\"}";
      case 8 -> "{\"sleep_time\": 0.01, \"semaphore_name\": \"" + (random.nextBoolean() ? "single" : "nope") + "\"}";
      case 9 -> "{\"a\":".repeat(300) + "1" + "}".repeat(300);
      case 10 -> "x".repeat(70_000);
      case 11 -> random.nextBoolean() ? "{}{}" : "{\"sleep_time\": 0} x";
      default -> "{}";
    };
  }

  @Test
  void aClientThatSendsHeadersAndStallsIsCutOff(Vertx vertx) throws Exception {
    HttpProbe http = TestServer.start(vertx,
        "{\"http\": {\"idle_timeout_seconds\": 2}, \"streaming\": {\"keep_alive_seconds\": 1}}").http();
    try (Socket socket = new Socket("127.0.0.1", http.port())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"na").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      while (in.read() != -1) {
        // drain whatever comes; the server must close the connection
      }
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(14), "closed by the idle timeout");
    }
    assertEquals(200, http.get("/queue").status());
    assertEquals(0, http.get("/queue").json().size(), "the half-sent task was never created");
  }

  @Test
  void framingAndProtocolAttacksNeverBreakTheServer(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String big = "{\"op\":\"subscribe\",\"task_ids\":[\"" + "a".repeat(io.brinjal.streaming.StreamService.MAX_WEBSOCKET_MESSAGE_BYTES) + "\"]}";
    String[] shapes = {
        "POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /queue HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: xchunked\r\n\r\n{}",
        "POST /noop_task HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "POST /noop_task HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET /queue HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nConnection: close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
        "M0000001X /queue HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "POST /sleep_task?sleep_time=1 HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n"};
    for (String shape : shapes) {
      try (RawSocket raw = RawSocket.open(http.port())) {
        raw.send(shape);
        String answer = raw.readUntilClosed();
        // 501 is Vert.x's answer to an HTTP version it does not speak (the HTTP/2 preface, h2c off)
        assertTrue(answer.isEmpty() || !answer.matches("(?s)HTTP/\\S+ 5(?!01)\\d\\d.*"), shape + " -> " + answer);
        if (shape.contains("\r\n\r\nZZ\r\n")) assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("\"detail\""), answer);
      }
    }
    for (String extensions : new String[] {"", "Sec-WebSocket-Extensions: permessage-deflate\r\n"}) {
      try (RawSocket raw = RawSocket.open(http.port())) {
        raw.upgrade("/ws", extensions + "Origin: http://127.0.0.1:" + http.port() + "\r\n");
        raw.sendFrame(0x1, true, big.getBytes(StandardCharsets.US_ASCII));
        RawSocket.Frame close = raw.readUntilCloseFrame();
        assertEquals(1009, close == null ? -1 : close.closeCode());
      }
    }
    assertEquals(1, http.get("/queue").json().size(), "only the first create (read as chunked) was taken");
    assertEquals(200, http.get("/task_types").status(), "still answering");
  }
}
