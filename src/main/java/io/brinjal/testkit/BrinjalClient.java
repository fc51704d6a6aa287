package io.brinjal.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.brinjal.task.Names;
import io.brinjal.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A small blocking HTTP client for one server, for tests: create tasks, read them, cancel them,
 * and wait for their end on their SSE stream ({@code GET /{id}/stream}), never by polling.
 */
public final class BrinjalClient {
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(1);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  public BrinjalClient(URI base) {
    this.base = base;
  }

  /** {@code http://127.0.0.1:<port>} plus the prefix, without a trailing slash. */
  public URI baseUri() {
    return base;
  }

  /** {@code POST /{route}} with the parameters as its JSON body; answers the new task's id. */
  public String create(String route, Map<String, ?> params) {
    HttpResponse<String> reply = post("/" + route, Json.encode(params));
    if (reply.statusCode() != 200) {
      throw new AssertionError("POST /" + route + " answered " + reply.statusCode() + ": " + reply.body());
    }
    return read(reply.body()).get("task_id").asText();
  }

  /** The same for a task class, by its route. */
  public String create(Class<? extends Task> type, Map<String, ?> params) {
    return create(Names.snakeCase(type.getSimpleName()), params);
  }

  /** Creates a task and waits (at most a minute) for its end; answers its last JSON. */
  public JsonNode run(Class<? extends Task> type, Map<String, ?> params) {
    return awaitEnd(create(type, params));
  }

  /** The task's JSON now ({@code GET /{id}}). */
  public JsonNode task(String taskId) {
    HttpResponse<String> reply = get("/" + taskId);
    if (reply.statusCode() != 200) throw new AssertionError("GET /" + taskId + " answered " + reply.statusCode() + ": " + reply.body());
    return read(reply.body());
  }

  /** {@code POST /{id}/cancel}; answers the status code. */
  public int cancel(String taskId) {
    return post("/" + taskId + "/cancel", "").statusCode();
  }

  public JsonNode awaitEnd(String taskId) {
    return awaitEnd(taskId, DEFAULT_WAIT);
  }

  /**
   * Reads the task's stream until its terminal event ({@code done}, {@code failed} or
   * {@code cancelled}) and answers that task JSON; an {@link AssertionError} after {@code timeout}.
   */
  public JsonNode awaitEnd(String taskId, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(uri("/" + taskId + "/stream")).timeout(timeout).GET().build();
    try {
      HttpResponse<Stream<String>> reply = http.send(request, HttpResponse.BodyHandlers.ofLines());
      if (reply.statusCode() != 200) throw new AssertionError("GET /" + taskId + "/stream answered " + reply.statusCode());
      try (Stream<String> lines = reply.body()) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (!line.startsWith("data:")) continue;
          JsonNode task = read(line.substring("data:".length()));
          String status = task.path("status").asText();
          if (status.equals("done") || status.equals("failed") || status.equals("cancelled")) return task;
        }
      }
      throw new AssertionError("the stream of " + taskId + " ended before the task did");
    } catch (java.net.http.HttpTimeoutException e) {
      throw new AssertionError("task " + taskId + " did not end within " + timeout + ": " + task(taskId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + taskId, e);
    }
  }

  /** A raw {@code GET}, for what the helpers above do not cover. */
  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** A raw {@code POST} of a JSON body (e.g. to check a {@code 422}). */
  public HttpResponse<String> post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
