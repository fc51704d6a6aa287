package io.brinjal.config;

import java.util.Map;

/**
 * Validated configuration, built once at start-up by {@link ConfigLoader}.
 *
 * @param semaphores semaphore name to limit, in configuration order; always holds "default"
 */
public record BrinjalConfig(
    Http http, Map<String, Integer> semaphores, Retention retention, Streaming streaming) {

  public record Http(String host, int port, String prefix) {}

  /** How many finished tasks are kept: {@code done}, and failed plus cancelled together. */
  public record Retention(int done, int failed) {}

  /**
   * @param keepAliveSeconds interval of SSE comments and WebSocket pings that keep proxies open
   * @param minEventIntervalMs per task, the least time between two published progress events
   * @param replayEvents how many recent events are kept for clients that reconnect
   * @param maxConnections SSE and WebSocket connections held at once; more are answered 503
   * @param maxBufferedBytesPerClient a client's backlog beyond which it is disconnected
   * @param slowClientTimeoutSeconds how long a client may stay backlogged before it is dropped
   */
  public record Streaming(int keepAliveSeconds, int minEventIntervalMs, int replayEvents,
      int maxConnections, int maxBufferedBytesPerClient, int slowClientTimeoutSeconds) {}

  /** The embedded defaults, as a library user starts from. */
  public static BrinjalConfig defaults() {
    return ConfigLoader.fromDefaults();
  }

  public BrinjalConfig withHttp(Http http) {
    return new BrinjalConfig(http, semaphores, retention, streaming);
  }

  public BrinjalConfig withSemaphores(Map<String, Integer> semaphores) {
    return new BrinjalConfig(http, semaphores, retention, streaming);
  }

  public BrinjalConfig withRetention(Retention retention) {
    return new BrinjalConfig(http, semaphores, retention, streaming);
  }

  public BrinjalConfig withStreaming(Streaming streaming) {
    return new BrinjalConfig(http, semaphores, retention, streaming);
  }
}
