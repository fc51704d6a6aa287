package io.brinjal.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client that collects the server's JSON frames. */
public final class WsProbe {
  private final BlockingQueue<JsonNode> frames;
  private final WebSocket socket;
  private final WebSocketClient client;

  private WsProbe(WebSocketClient client, WebSocket socket, BlockingQueue<JsonNode> frames) {
    this.client = client;
    this.socket = socket;
    this.frames = frames;
  }

  public static WsProbe connect(HttpProbe http, String path) {
    return connect(http, http.port(), path);
  }

  public static WsProbe connect(HttpProbe http, int port, String path) {
    return connect(http.vertx().createWebSocketClient(), port, path);
  }

  /** Through a client the caller owns (and closes): cheap for many short connections. */
  public static WsProbe connect(WebSocketClient client, int port, String path) {
    BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    WebSocket socket = HttpProbe.await(client.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI(path)).map(ws -> {
          ws.textMessageHandler(text -> {
            try {
              frames.add(Json.MAPPER.readTree(text));
            } catch (Exception e) {
              throw new IllegalStateException("server sent non-JSON: " + text, e);
            }
          });
          return ws;
        }));
    return new WsProbe(client, socket, frames);
  }

  public void send(String text) {
    HttpProbe.await(socket.writeTextMessage(text));
  }

  public JsonNode next() {
    try {
      JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
      if (frame == null) throw new AssertionError("no WebSocket frame within 10 s");
      return frame;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Skips frames until one matches; returns it. */
  public JsonNode nextMatching(Predicate<JsonNode> wanted) {
    while (true) {
      JsonNode frame = next();
      if (wanted.test(frame)) return frame;
    }
  }

  public JsonNode nextOfType(String type) {
    return nextMatching(f -> f.path("type").asText().equals(type));
  }

  /** Task events of one task until its terminal one. */
  public List<JsonNode> taskUntilTerminal(String taskId) {
    List<JsonNode> seen = new ArrayList<>();
    while (true) {
      JsonNode f = nextMatching(x -> x.path("type").asText().equals("task_updated") && x.path("task_id").asText().equals(taskId));
      seen.add(f);
      String status = f.path("status").asText();
      if (status.equals("done") || status.equals("failed") || status.equals("cancelled")) return seen;
    }
  }

  public List<JsonNode> drained() {
    List<JsonNode> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  public void close() {
    HttpProbe.await(socket.close());
    HttpProbe.await(client.close());
  }

  /** Closes this socket only, leaving a shared client open. */
  public void disconnect() {
    HttpProbe.await(socket.close());
  }

  public boolean isClosed() {
    return socket.isClosed();
  }
}
