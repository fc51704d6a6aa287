package io.brinjal.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real SSE client: parses {@code data:} frames into JSON as chunks arrive. */
public final class SseProbe {
  private record Event(String id, JsonNode data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private volatile String lastId;
  private final Promise<Void> ended = Promise.promise();
  private final StringBuilder pending = new StringBuilder();
  private volatile HttpClientResponse response;
  private volatile HttpConnection connection;
  private volatile int comments;

  private SseProbe() {}

  static SseProbe open(HttpClient client, String path, java.util.Map<String, String> headers) {
    SseProbe probe = new SseProbe();
    HttpClientResponse resp = HttpProbe.await(client.request(HttpMethod.GET, path)
        .compose(req -> {
          headers.forEach(req::putHeader);
          probe.connection = req.connection();
          // nested, so the handlers are set on the client's event loop as the response
          // arrives, before any chunk can be delivered (chained from this thread, they may not be)
          return req.send().map(r -> {
            r.handler(probe::onChunk);
            r.endHandler(v -> probe.ended.tryComplete());
            r.exceptionHandler(e -> probe.ended.tryComplete());
            return r;
          });
        }));
    probe.response = resp;
    if (resp.statusCode() != 200) {
      throw new AssertionError("stream " + path + " answered " + resp.statusCode());
    }
    return probe;
  }

  public HttpClientResponse response() {
    return response;
  }

  private synchronized void onChunk(io.vertx.core.buffer.Buffer chunk) {
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String frame = pending.substring(0, end);
      pending.delete(0, end + 2);
      StringBuilder data = new StringBuilder();
      String id = null;
      for (String line : frame.split("\n")) {
        if (line.startsWith("data:")) data.append(line.substring(5).trim());
        else if (line.startsWith("id:")) id = line.substring(3).trim();
        else if (line.startsWith(":")) comments++;
      }
      if (data.length() > 0) {
        try {
          events.add(new Event(id, Json.MAPPER.readTree(data.toString())));
        } catch (Exception e) {
          throw new IllegalStateException("bad SSE data: " + data, e);
        }
      }
    }
  }

  /** The next event; fails the test if none comes within 10 s. */
  public JsonNode next() {
    try {
      Event event = events.poll(10, TimeUnit.SECONDS);
      if (event == null) throw new AssertionError("no SSE event within 10 s");
      lastId = event.id();
      return event.data();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads task events until a terminal status; the list ends with the terminal event. */
  public List<JsonNode> untilTerminal() {
    List<JsonNode> seen = new ArrayList<>();
    while (true) {
      JsonNode event = next();
      seen.add(event);
      String status = event.path("status").asText();
      if (status.equals("done") || status.equals("failed") || status.equals("cancelled")) return seen;
    }
  }

  /** Reads queue events until one of the given type arrives. */
  public JsonNode nextOfType(String type) {
    while (true) {
      JsonNode event = next();
      if (event.path("type").asText().equals(type)) return event;
    }
  }

  /** Waits for the server to end the stream. */
  public void awaitEnd() {
    HttpProbe.await(ended.future());
  }

  public boolean hasEnded() {
    return ended.future().isComplete();
  }

  public List<JsonNode> drained() {
    List<Event> out = new ArrayList<>();
    events.drainTo(out);
    return out.stream().map(Event::data).toList();
  }

  /** The SSE {@code id:} of the event {@link #next()} returned last. */
  public long lastId() {
    return Long.parseLong(lastId);
  }

  /** Stops reading from the socket, as a client that hangs does; the server must cope. */
  public void stopReading() {
    response.pause();
  }

  public int comments() {
    return comments;
  }

  /** Drops the TCP connection, as a browser tab that closes does. */
  public void disconnect() {
    HttpProbe.await(connection.close());
  }
}
