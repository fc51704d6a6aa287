package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.metrics.BrinjalMetrics;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.RawSocket;
import io.brinjal.support.Reply;
import io.brinjal.support.Scrape;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /metrics} after known workloads, read back through the Prometheus text format. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsApiTest {
  private static final String RETAIN_ALL = "{\"retention\": {\"done\": 1000, \"failed\": 1000}}";

  @Test
  void fiveDoneAndTwoFailedTasksReadFiveAndTwo(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, RETAIN_ALL).http();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(http.create("noop_task", null));
    for (int i = 0; i < 2; i++) ids.add(http.create("failing_task", null));
    ids.forEach(http::awaitTerminal);

    Scrape scrape = Scrape.of(http);

    assertEquals(5, scrape.value("brinjal_tasks_submitted_total", "task_type", "NoopTask"));
    assertEquals(2, scrape.value("brinjal_tasks_submitted_total", "task_type", "FailingTask"));
    assertEquals(0, scrape.value("brinjal_tasks_submitted_total", "task_type", "SleepTask"));
    assertEquals(5, scrape.value("brinjal_tasks_finished_total", "task_type", "NoopTask", "status", "done"));
    assertEquals(2, scrape.value("brinjal_tasks_finished_total", "task_type", "FailingTask", "status", "failed"));
    assertEquals(0, scrape.value("brinjal_tasks_finished_total", "task_type", "NoopTask", "status", "failed"));
    assertEquals(5, scrape.value("brinjal_tasks", "status", "done"));
    assertEquals(2, scrape.value("brinjal_tasks", "status", "failed"));
    assertEquals(0, scrape.value("brinjal_tasks", "status", "running"));
    // NoopTask runs under "multiple", FailingTask under "default"
    assertEquals(5, scrape.value("brinjal_task_queue_wait_seconds_count", "task_type", "NoopTask", "semaphore", "multiple"));
    assertEquals(5, scrape.value("brinjal_task_run_seconds_count", "task_type", "NoopTask", "semaphore", "multiple"));
    assertEquals(2, scrape.value("brinjal_task_run_seconds_count", "task_type", "FailingTask", "semaphore", "default"));
    assertEquals(5, scrape.value("brinjal_task_run_seconds_bucket", "task_type", "NoopTask", "le", "86400.0"));
    assertTrue(scrape.has("brinjal_task_run_seconds_bucket", "task_type", "NoopTask", "le", "0.001"));
    ids.forEach(id -> assertFalse(scrape.text().contains(id), "a task id is a label value"));
  }

  @Test
  void taskTimeHistogramsStartAtZeroForEveryTypeUnderItsSemaphore(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();

    Scrape before = Scrape.of(http); // no task yet: the first burst must show up in increase()
    for (String histogram : List.of("brinjal_task_queue_wait_seconds", "brinjal_task_run_seconds")) {
      for (String[] typeAndSemaphore : new String[][] {
          {"NoopTask", "multiple"}, {"ExampleCPUTask", "single"}, {"ExampleIOTask", "multiple"},
          {"FailingTask", "default"}, {"GateTask", "single"}}) {
        String[] labels = {"task_type", typeAndSemaphore[0], "semaphore", typeAndSemaphore[1]};
        assertEquals(0, before.value(histogram + "_count", labels), histogram + " " + List.of(labels));
        assertEquals(0, before.value(histogram + "_sum", labels), histogram + " " + List.of(labels));
        assertEquals(0, before.value(histogram + "_bucket",
            "task_type", typeAndSemaphore[0], "semaphore", typeAndSemaphore[1], "le", "+Inf"));
      }
    }

    http.awaitTerminal(http.create("noop_task", null));
    Scrape after = Scrape.of(http);
    assertEquals(1, after.value("brinjal_task_run_seconds_count", "task_type", "NoopTask", "semaphore", "multiple"));
    assertEquals(1, after.value("brinjal_task_queue_wait_seconds_count", "task_type", "NoopTask", "semaphore", "multiple"));
  }

  @Test
  void semaphoreGaugesShowRunningAndWaitingDuringARun(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String gate = Gates.newGate();
    String running = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    String waiting = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);

    Scrape during = Scrape.of(http);
    assertEquals(1, during.value("brinjal_semaphore_limit", "semaphore", "single"));
    assertEquals(1, during.value("brinjal_semaphore_running", "semaphore", "single"));
    assertEquals(1, during.value("brinjal_semaphore_waiting", "semaphore", "single"));
    assertEquals(1, during.value("brinjal_semaphore_running_here", "semaphore", "single"));
    assertEquals(1, during.value("brinjal_cluster_nodes"));
    assertEquals(10, during.value("brinjal_semaphore_limit", "semaphore", "multiple"));
    assertEquals(0, during.value("brinjal_semaphore_running", "semaphore", "multiple"));
    assertEquals(1, during.value("brinjal_tasks", "status", "running"));
    assertEquals(1, during.value("brinjal_tasks", "status", "queued"));

    Gates.open(gate);
    http.awaitTerminal(running);
    http.awaitTerminal(waiting);
    Scrape after = Scrape.of(http);
    assertEquals(0, after.value("brinjal_semaphore_running", "semaphore", "single"));
    assertEquals(0, after.value("brinjal_semaphore_waiting", "semaphore", "single"));
    assertEquals(0, after.value("brinjal_semaphore_running_here", "semaphore", "single"));
    assertEquals(2, after.value("brinjal_tasks_finished_total", "task_type", "GateTask", "status", "done"));
  }

  @Test
  void cancelledTasksAndStreamSubscribersAreCounted(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String gate = Gates.newGate();
    String blocker = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    Gates.awaitEntered(gate);
    String queued = http.create("gate_task", "{\"gate\":\"" + gate + "\"}");
    SseProbe queueStream = http.stream("/queue/stream");
    SseProbe taskStream = http.stream("/" + blocker + "/stream");

    Scrape open = Scrape.of(http);
    assertEquals(2, open.value("brinjal_stream_subscribers", "transport", "sse"));
    assertEquals(0, open.value("brinjal_stream_subscribers", "transport", "websocket"));
    assertEquals(200, http.post("/" + queued + "/cancel").status());
    Gates.open(gate);
    taskStream.untilTerminal();
    queueStream.disconnect();

    Scrape scrape = Scrape.of(http);
    assertEquals(1, scrape.value("brinjal_tasks_finished_total", "task_type", "GateTask", "status", "cancelled"));
    assertEquals(1, scrape.value("brinjal_tasks_finished_total", "task_type", "GateTask", "status", "done"));
    // a queued task that never ran has a finish but no run time
    assertEquals(1, scrape.value("brinjal_task_run_seconds_count", "task_type", "GateTask"));
    assertEquals(0, scrape.value("brinjal_stream_events_dropped_total", "transport", "sse"));
    assertEquals(0, scrape.value("brinjal_stream_events_dropped_total", "transport", "websocket"));
  }

  @Test
  void metricsAndHealthStayAtTheRootWhateverThePrefix(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"prefix\": \"/api/tasks\"}}").http();
    String id = http.create("api/tasks/noop_task", null);
    http.stream("/api/tasks/" + id + "/stream").untilTerminal();

    Reply metrics = http.get("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.headers().get("Content-Type").startsWith("text/plain; version=0.0.4"));
    assertEquals(1, new Scrape(metrics.body()).value("brinjal_tasks_submitted_total", "task_type", "NoopTask"));
    assertTrue(new Scrape(metrics.body()).has("jvm_memory_used_bytes"), "JVM metrics are missing");
    assertEquals(200, http.get("/health/live").status());
    assertNotEquals(200, http.get("/api/tasks/metrics").status());
    assertEquals(405, http.post("/metrics").status());
  }

  @Test
  void withATokenMetricsNeedItAndHealthDoesNot(Vertx vertx) {
    String token = "correct-horse-battery-staple";
    HttpProbe http = TestServer.start(vertx, "{\"auth\": {\"token\": \"" + token + "\"}}").http();

    assertEquals(401, http.get("/metrics").status());
    Reply scraped = http.send(HttpMethod.GET, "/metrics", null, Map.of("Authorization", "Bearer " + token));
    assertEquals(200, scraped.status());
    assertTrue(new Scrape(scraped.body()).has("brinjal_tasks"));
    assertEquals(200, http.get("/health/live").status());
    assertEquals(200, http.get("/health/ready").status());
  }

  @Test
  void aMetricsTokenIsTheOnlyOneMetricsTake(Vertx vertx) {
    String token = "correct-horse-battery-staple";
    String metricsToken = "prometheus-scrape-token-0001";
    HttpProbe http = TestServer.start(vertx,
        "{\"auth\": {\"token\": \"" + token + "\", \"metrics_token\": \"" + metricsToken + "\"}}").http();

    assertEquals(401, http.send(HttpMethod.GET, "/metrics", null, Map.of("Authorization", "Bearer " + token)).status());
    assertEquals(200, http.send(HttpMethod.GET, "/metrics", null, Map.of("Authorization", "Bearer " + metricsToken)).status());
    assertEquals(401, http.send(HttpMethod.GET, "/queue", null, Map.of("Authorization", "Bearer " + metricsToken)).status());
  }

  @Test
  void aRecurringScheduleHasRunSeriesFromItsCreationToItsDeletion(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String id = http.postJson("/recurring/NoopTask?cron_expression=@daily", "{}").json().get("recurring_id").asText();

    Scrape created = Scrape.of(http);
    for (String result : List.of("submitted", "skipped", "failed")) {
      assertEquals(0, created.value("brinjal_recurring_runs_total", "recurring_id", id, "result", result));
    }
    assertEquals(200, http.delete("/recurring/" + id).status());
    assertFalse(Scrape.of(http).has("brinjal_recurring_runs_total"));
  }

  @Test
  void vertxHttpServerMetricsAppearWhenVertxReportsToTheSameRegistry() {
    PrometheusMeterRegistry meters = BrinjalMetrics.newRegistry();
    Vertx vertx = Main.vertxReportingTo(meters); // what the standalone server runs with
    try {
      HttpProbe http = TestServer.start(vertx, "{}", meters).http();
      for (int i = 0; i < 3; i++) http.awaitTerminal(http.create("noop_task", null));
      assertEquals(404, http.post("/no_such_task").status());

      Scrape scrape = Scrape.of(http);
      assertEquals(3, scrape.value("vertx_http_server_requests_total", "method", "POST", "code", "200"));
      assertEquals(1, scrape.value("vertx_http_server_requests_total", "method", "POST", "code", "404"));
      assertTrue(scrape.has("vertx_http_server_response_time_seconds_count"));
      assertEquals(3, scrape.value("brinjal_tasks_submitted_total", "task_type", "NoopTask"));
      assertTrue(scrape.has("jvm_threads_live_threads"));
    } finally {
      HttpProbe.await(vertx.close());
    }
  }

  @Test
  void madeUpHttpMethodsAreCountedUnderOneLabelValue() {
    PrometheusMeterRegistry meters = BrinjalMetrics.newRegistry();
    Vertx vertx = Main.vertxReportingTo(meters);
    try {
      HttpProbe http = TestServer.start(vertx, "{\"auth\": {\"token\": \"correct-horse-battery-staple\"}}", meters).http();
      for (int i = 0; i < 50; i++) {
        try (RawSocket raw = RawSocket.open(http.port())) {
          raw.send(String.format("M%07dX /queue HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", i));
          assertTrue(raw.readUntilClosed().startsWith("HTTP/1.1 4"));
        }
      }
      String text = http.send(io.vertx.core.http.HttpMethod.GET, "/metrics", null,
          java.util.Map.of("Authorization", "Bearer correct-horse-battery-staple")).body();
      assertFalse(text.contains("M0000001X"), "no series per made-up method");
      assertTrue(text.contains("method=\"other\""), "counted under one value");
      for (String line : text.split("\n")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("method=\"([^\"]*)\"").matcher(line);
        if (m.find()) assertTrue(BrinjalMetrics.HTTP_METHODS.contains(m.group(1)) || m.group(1).equals("other"), line);
      }
    } finally {
      HttpProbe.await(vertx.close());
    }
  }
}
