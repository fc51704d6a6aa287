package io.brinjal.config;

import java.util.Map;
import java.util.Set;

/**
 * Validated configuration, built once at start-up by {@link ConfigLoader}.
 *
 * @param semaphores semaphore name to limit, in configuration order; always holds "default"
 */
public record BrinjalConfig(
    Http http, Map<String, Integer> semaphores, Retention retention, Streaming streaming,
    Logging logging, Shutdown shutdown) {

  public record Http(String host, int port, String prefix) {}

  /** How many finished tasks are kept: {@code done}, and failed plus cancelled together. */
  public record Retention(int done, int failed) {}

  /**
   * @param keepAliveSeconds interval of SSE comment lines that keep proxies from closing streams
   * @param minEventIntervalMs per task, the least time between two published progress events
   */
  public record Streaming(int keepAliveSeconds, int minEventIntervalMs) {}

  /** @param format {@code text} (one readable line per event) or {@code json} (one object per line) */
  public record Logging(String format) {
    public static final Set<String> FORMATS = Set.of("text", "json");
  }

  /** @param graceSeconds on SIGTERM, how long running tasks may go on before they are interrupted */
  public record Shutdown(int graceSeconds) {}

  /** The embedded defaults, as a library user starts from. */
  public static BrinjalConfig defaults() {
    return ConfigLoader.fromDefaults();
  }

  public BrinjalConfig withHttp(Http http) {
    return new BrinjalConfig(http, semaphores, retention, streaming, logging, shutdown);
  }

  public BrinjalConfig withSemaphores(Map<String, Integer> semaphores) {
    return new BrinjalConfig(http, semaphores, retention, streaming, logging, shutdown);
  }

  public BrinjalConfig withRetention(Retention retention) {
    return new BrinjalConfig(http, semaphores, retention, streaming, logging, shutdown);
  }

  public BrinjalConfig withStreaming(Streaming streaming) {
    return new BrinjalConfig(http, semaphores, retention, streaming, logging, shutdown);
  }

  public BrinjalConfig withLogging(Logging logging) {
    return new BrinjalConfig(http, semaphores, retention, streaming, logging, shutdown);
  }

  public BrinjalConfig withShutdown(Shutdown shutdown) {
    return new BrinjalConfig(http, semaphores, retention, streaming, logging, shutdown);
  }
}
