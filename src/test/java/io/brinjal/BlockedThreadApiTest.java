package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.LogCapture;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Vert.x's blocked-thread checker stays silent under a normal workload, even with limits far
 * tighter than its defaults: the event loop never runs task code or waits, and the task pools
 * are exempt from the worker limit because a task may legitimately run for hours.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BlockedThreadApiTest {
  private static final long EVENT_LOOP_LIMIT_MS = 500;
  private static final long WORKER_LIMIT_MS = 500;

  private final Vertx vertx = Vertx.vertx(new VertxOptions()
      .setBlockedThreadCheckInterval(50)
      .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
      .setMaxEventLoopExecuteTime(EVENT_LOOP_LIMIT_MS)
      .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
      .setMaxWorkerExecuteTime(WORKER_LIMIT_MS)
      .setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS)
      .setWarningExceptionTime(EVENT_LOOP_LIMIT_MS)
      .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));

  @AfterEach
  void close() {
    HttpProbe.await(vertx.close());
  }

  private static List<String> blockedWarnings(LogCapture logs) {
    return logs.events().stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .filter(e -> e.getFormattedMessage().contains("has been blocked"))
        .map(BlockedThreadApiTest::withStack)
        .toList();
  }

  private static String withStack(ILoggingEvent e) {
    StringBuilder out = new StringBuilder(e.getFormattedMessage());
    if (e.getThrowableProxy() != null) {
      for (var frame : e.getThrowableProxy().getStackTraceElementProxyArray()) out.append("\n  at ").append(frame.getSTEAsString());
    }
    return out.toString();
  }

  @Test
  void aNormalWorkloadNeverTriggersBlockedThreadWarnings() {
    HttpProbe http = TestServer.start(vertx, "{\"retention\": {\"done\": 1000}}").http();
    runWorkload(http); // first use loads classes and sizes buffers: slow once per JVM, not operation
    try (LogCapture logs = new LogCapture()) {
      runWorkload(http);
      assertEquals(List.of(), blockedWarnings(logs), "blocked-thread warnings during normal operation");

      // the checker is live in this Vert.x: a deliberate block on an event loop is reported
      vertx.runOnContext(v -> sleepUninterruptibly(4 * EVENT_LOOP_LIMIT_MS));
      await().atMost(Duration.ofSeconds(10)).until(() -> !blockedWarnings(logs).isEmpty());
    }
  }

  /** Every semaphore, a task longer than the worker limit, busy progress, both stream kinds. */
  private static void runWorkload(HttpProbe http) {
    SseProbe queue = http.stream("/queue/stream");
    WsProbe ws = WsProbe.connect(http, "/ws");
    ws.send("{\"op\":\"subscribe\",\"queue\":true}");
    ws.nextOfType("subscribed");

    List<String> ids = new ArrayList<>();
    // longer than the worker limit: task pools must not be held to it
    ids.add(http.create("sleep_task", "{\"sleep_time\":" + (3 * WORKER_LIMIT_MS / 1000.0) + ",\"semaphore_name\":\"single\"}"));
    for (int i = 0; i < 40; i++) {
      String semaphore = List.of("single", "multiple", "default").get(i % 3);
      ids.add(http.create("sleep_task", "{\"sleep_time\":0.02,\"semaphore_name\":\"" + semaphore + "\"}"));
    }
    ids.add(http.create("progress_task", "{\"steps\":100,\"interval_ms\":5}"));
    ids.add(http.create("chatty_task", "{\"updates\":500,\"body_bytes\":2048}"));
    ids.add(http.create("flood_task", "{\"updates\":200000}"));
    ids.add(http.create("example_cpu_task", "{\"sleep_time\":0.005}"));
    for (String id : ids) assertEquals("done", http.awaitTerminal(id).get("status").asText(), id);
    assertEquals(200, http.postJson("/search", "{\"task_type\":\"SleepTask\"}").status());
    assertEquals(200, http.delete("/completed").status());

    assertFalse(queue.hasEnded(), "the queue stream stayed open");
    assertTrue(queue.drained().size() >= ids.size(), "the queue stream saw the workload");
    assertTrue(ws.drained().size() >= ids.size(), "the WebSocket saw the workload");
    queue.disconnect();
    ws.close();
  }

  private static void sleepUninterruptibly(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) java.util.concurrent.locks.LockSupport.parkNanos(end - System.nanoTime());
  }
}
