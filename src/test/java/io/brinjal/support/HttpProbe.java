package io.brinjal.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP client against a running server. Tests run on the JUnit thread, where
 * {@code Future.await} is allowed, so calls read top to bottom; every wait is bounded.
 */
public final class HttpProbe {
  private final Vertx vertx;
  private final HttpClient client;
  // streams get connections of their own, closed when the stream ends, as a browser's
  // EventSource does; requests never wait behind a stream for a pooled connection
  private final HttpClient streamClient;
  private final int port;

  public HttpProbe(Vertx vertx, int port) {
    this(vertx, port, new HttpClientOptions());
  }

  public HttpProbe(Vertx vertx, int port, HttpClientOptions options) {
    this.vertx = vertx;
    this.port = port;
    this.client = vertx.createHttpClient(
        new HttpClientOptions(options).setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(50));
    this.streamClient = vertx.createHttpClient(
        new HttpClientOptions(options).setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(2000));
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return port;
  }

  public HttpClient client() {
    return client;
  }

  public Reply get(String path) {
    return send(HttpMethod.GET, path, null, Map.of());
  }

  public Reply delete(String path) {
    return send(HttpMethod.DELETE, path, null, Map.of());
  }

  public Reply post(String path) {
    return send(HttpMethod.POST, path, null, Map.of());
  }

  public Reply postJson(String path, String json) {
    return send(HttpMethod.POST, path, json, Map.of("Content-Type", "application/json"));
  }

  public Reply send(HttpMethod method, String path, String body, Map<String, String> headers) {
    return await(sendAsync(method, path, body == null ? null : Buffer.buffer(body), headers));
  }

  public Future<Reply> sendAsync(HttpMethod method, String path, Buffer body, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    headers.forEach(options::putHeader);
    // nested, so body() is asked for on the event loop as the response arrives: chained from
    // this (non-Vert.x) thread, the callback can run after the body has already gone by, and
    // the request then never answers
    return client.request(options)
        .compose(req -> (body == null ? req.send() : req.send(body))
            .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString()))));
  }

  /** The id a successful create returns. */
  public String create(String route, String json) {
    Reply reply = json == null ? post("/" + route) : postJson("/" + route, json);
    if (reply.status() != 200) throw new AssertionError("create " + route + " failed: " + reply);
    return reply.json().get("task_id").asText();
  }

  /** Opens the task's stream and reads it to the terminal event, which it returns. */
  public com.fasterxml.jackson.databind.JsonNode awaitTerminal(String taskId) {
    java.util.List<com.fasterxml.jackson.databind.JsonNode> events = stream("/" + taskId + "/stream").untilTerminal();
    return events.get(events.size() - 1);
  }

  public com.fasterxml.jackson.databind.JsonNode task(String taskId) {
    Reply reply = get("/" + taskId);
    if (reply.status() != 200) throw new AssertionError("GET task " + taskId + ": " + reply);
    return reply.json();
  }

  public SseProbe stream(String path) {
    return SseProbe.open(streamClient, path, Map.of());
  }

  public SseProbe stream(String path, Map<String, String> headers) {
    return SseProbe.open(streamClient, path, headers);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 20 s", e);
    }
  }
}
