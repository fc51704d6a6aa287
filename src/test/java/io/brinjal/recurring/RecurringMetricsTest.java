package io.brinjal.recurring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.ConfigLoader;
import io.brinjal.execution.TaskEngine;
import io.brinjal.json.Json;
import io.brinjal.metrics.BrinjalMetrics;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Scrape;
import io.brinjal.support.TestClock;
import io.brinjal.support.TestEngine;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.BrokenConstructorTask;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code brinjal_recurring_runs_total} through every result, on a frozen clock whose timer the
 * test plays (as in RecurringSchedulerTest), so no test waits a real minute for a second firing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecurringMetricsTest {
  private TestClock clock;
  private TaskEngine engine;
  private RecurringScheduler scheduler;
  private BrinjalMetrics metrics;

  @BeforeEach
  void start(Vertx vertx) {
    clock = TestClock.frozenAt("2026-01-05T12:03:10Z");
    engine = TestEngine.start(vertx, ConfigLoader.fromJson("{}"), clock);
    scheduler = new RecurringScheduler(engine, clock);
    metrics = BrinjalMetrics.create(engine, BrinjalMetrics.newRegistry());
    scheduler.addListener(metrics);
  }

  @AfterEach
  void stop() {
    BrokenConstructorTask.broken = false;
    metrics.close();
    HttpProbe.await(scheduler.close().compose(v -> engine.close()));
  }

  private String create(String type, String params) throws Exception {
    ScheduleSpec spec = ScheduleSpec.define(ScheduleSpec.taskType(engine.registry(), type),
        (ObjectNode) Json.MAPPER.readTree(params), CronSchedule.parse("*/5 * * * *", ZoneId.of("UTC")), 1, null, true);
    return HttpProbe.await(scheduler.create(spec)).get("recurring_id").asText();
  }

  private void wakeAt(String iso) {
    clock.set(iso);
    HttpProbe.await(engine.loop().call(() -> {
      scheduler.wakeOnLoop();
      return null;
    }));
  }

  private double runs(Scrape scrape, String id, String result) {
    return scrape.value("brinjal_recurring_runs_total", "recurring_id", id, "result", result);
  }

  @Test
  void submittedSkippedAndFailedFiringsAreCountedPerScheduleUntilItIsDeleted() throws Exception {
    String gate = Gates.newGate();
    String held = create("GateTask", "{\"gate\": \"" + gate + "\"}");
    String broken = create("BrokenConstructorTask", "{}");
    Scrape fresh = new Scrape(HttpProbe.await(metrics.scrape()));
    assertEquals(0, runs(fresh, held, "submitted"));
    assertEquals(0, runs(fresh, held, "skipped"));
    assertEquals(0, runs(fresh, held, "failed"));

    BrokenConstructorTask.broken = true; // from now on that schedule cannot build its task
    wakeAt("2026-01-05T12:05:00Z"); // the gate task then holds its schedule's only slot
    Gates.awaitEntered(gate);
    wakeAt("2026-01-05T12:10:00Z"); // so these two firings are skipped
    wakeAt("2026-01-05T12:15:00Z");

    Scrape after = new Scrape(HttpProbe.await(metrics.scrape()));
    assertEquals(1, runs(after, held, "submitted"));
    assertEquals(2, runs(after, held, "skipped"));
    assertEquals(0, runs(after, held, "failed"));
    assertEquals(0, runs(after, broken, "submitted"));
    assertEquals(3, runs(after, broken, "failed"));

    HttpProbe.await(scheduler.delete(held));
    Gates.open(gate);
    Scrape deleted = new Scrape(HttpProbe.await(metrics.scrape()));
    assertFalse(deleted.has("brinjal_recurring_runs_total", "recurring_id", held));
    assertEquals(3, runs(deleted, broken, "failed"));
  }
}
