package io.brinjal.recurring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.ConfigLoader;
import io.brinjal.execution.TaskEngine;
import io.brinjal.store.TaskState;
import io.brinjal.support.TestEngine;
import io.brinjal.json.Json;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.TestClock;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.BrokenConstructorTask;
import io.brinjal.support.tasks.Gates;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler on a real engine, driven by a frozen clock: the test sets the time and plays
 * the timer's part by calling the wake-up itself, so nothing waits for a real minute.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecurringSchedulerTest {
  private TestClock clock;
  private TaskEngine engine;
  private RecurringScheduler scheduler;

  @BeforeEach
  void start(Vertx vertx) {
    clock = TestClock.frozenAt("2026-01-05T12:03:10Z"); // a Monday
    var config = ConfigLoader.fromJson("{\"retention\": {\"done\": 1000, \"failed\": 1000}}");
    engine = TestEngine.start(vertx, config, clock);
    scheduler = new RecurringScheduler(engine, clock);
  }

  @AfterEach
  void stop() {
    BrokenConstructorTask.broken = false;
    HttpProbe.await(scheduler.close().compose(v -> engine.close()));
  }

  // ---------------------------------------------------------------- helpers

  private <T> T onLoop(Callable<T> action) {
    return HttpProbe.await(engine.loop().call(action));
  }

  private String create(String type, String params, String cron, int maxConcurrent, Integer pauseAfterFailures) {
    ObjectNode body = (ObjectNode) parse(params);
    ScheduleSpec spec = ScheduleSpec.define(ScheduleSpec.taskType(engine.registry(), type), body,
        CronSchedule.parse(cron, ZoneId.of("UTC")), maxConcurrent, pauseAfterFailures, true);
    return HttpProbe.await(scheduler.create(spec)).get("recurring_id").asText();
  }

  private String create(String type, String params, String cron) {
    return create(type, params, cron, 1, null);
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private JsonNode view(String id) {
    return parse(HttpProbe.await(scheduler.json(id)));
  }

  /** Moves the clock and lets the timer fire (the real one is armed minutes away, or not at all). */
  private void wakeAt(String iso) {
    clock.set(iso);
    onLoop(() -> {
      scheduler.wakeOnLoop();
      return null;
    });
  }

  private List<TaskState> instances(String scheduleId) {
    return TestEngine.tasks(engine).stream().filter(t -> scheduleId.equals(t.parentId())).toList();
  }

  private List<TaskStatus> statuses(String scheduleId) {
    return instances(scheduleId).stream().map(TaskState::status).toList();
  }

  private Instant armedFor() {
    return onLoop(scheduler::armedForOnLoop);
  }

  /** A five-minute schedule whose 12:05 instance is running and waits at {@code gate}. */
  private String firstRunHeldAt(String gate) {
    String id = create("GateTask", "{\"gate\": \"" + gate + "\"}", "*/5 * * * *");
    wakeAt("2026-01-05T12:05:00Z");
    Gates.awaitEntered(gate);
    return id;
  }

  private void awaitStats(String id, String field, long value) {
    await().atMost(Duration.ofSeconds(10)).until(() -> view(id).get(field).asLong() == value);
  }

  // ---------------------------------------------------------------- first run and timer

  @Test
  void registrationRunsNothingAtOnceTheFirstRunIsTheNextMatch() {
    String id = create("NoopTask", "{}", "*/5 * * * *");

    assertEquals("2026-01-05T12:05:00.000Z", view(id).get("next_run").asText());
    assertTrue(instances(id).isEmpty());
    wakeAt("2026-01-05T12:04:59.999Z");
    assertTrue(instances(id).isEmpty());

    wakeAt("2026-01-05T12:05:00Z");

    List<TaskState> fired = instances(id);
    assertEquals(1, fired.size());
    assertEquals(id, fired.get(0).parentId());
    assertEquals("NoopTask", fired.get(0).taskType());
    JsonNode after = view(id);
    assertEquals("2026-01-05T12:10:00.000Z", after.get("next_run").asText());
    assertEquals("2026-01-05T12:05:00.000Z", after.get("last_run").asText());
  }

  @Test
  void registeredExactlyOnAMatchItWaitsForTheFollowingOne() {
    clock.set("2026-01-05T12:05:00Z");
    String id = create("NoopTask", "{}", "*/5 * * * *");
    assertEquals("2026-01-05T12:10:00.000Z", view(id).get("next_run").asText());
    assertTrue(instances(id).isEmpty());
  }

  @Test
  void oneTimerIsArmedForTheEarliestRunNotAPollingLoop() {
    clock.set("2026-01-05T12:04:30Z");
    assertNull(armedFor()); // nothing scheduled, nothing armed
    create("NoopTask", "{}", "0 * * * *");
    assertEquals(Instant.parse("2026-01-05T12:05:30Z"), armedFor()); // an hour away: a one-minute nap
    create("NoopTask", "{}", "*/5 * * * *");
    assertEquals(Instant.parse("2026-01-05T12:05:00Z"), armedFor()); // the earliest run exactly

    wakeAt("2026-01-05T12:05:00Z");

    assertEquals(Instant.parse("2026-01-05T12:06:00Z"), armedFor());
  }

  // ---------------------------------------------------------------- overlap

  @Test
  void aFiringAtTheCapIsSkippedAndCountedWithoutABacklog() {
    String gate = Gates.newGate();
    String id = firstRunHeldAt(gate);

    wakeAt("2026-01-05T12:10:00Z");
    wakeAt("2026-01-05T12:15:00Z");

    assertEquals(1, instances(id).size());
    JsonNode view = view(id);
    assertEquals(2, view.get("skipped_runs").asInt());
    assertEquals(1, view.get("active_runs").asInt());
    assertEquals("2026-01-05T12:20:00.000Z", view.get("next_run").asText());
    assertEquals("2026-01-05T12:05:00.000Z", view.get("last_run").asText());

    Gates.open(gate);
    awaitStats(id, "total_runs", 1);
    assertEquals(0, view(id).get("active_runs").asInt());
    wakeAt("2026-01-05T12:20:00Z");
    assertEquals(2, instances(id).size()); // the skipped ones did not pile up
  }

  @Test
  void queuedInstancesCountTowardTheCapToo() {
    String gate = Gates.newGate();
    // "single" has one permit: the first instance runs, the second waits in the queue
    String id = create("GateTask", "{\"gate\": \"" + gate + "\"}", "* * * * *", 2, null);

    wakeAt("2026-01-05T12:04:00Z");
    wakeAt("2026-01-05T12:05:00Z");
    wakeAt("2026-01-05T12:06:00Z");

    assertEquals(List.of(TaskStatus.RUNNING, TaskStatus.QUEUED), statuses(id));
    assertEquals(1, view(id).get("skipped_runs").asInt());
    Gates.open(gate);
    awaitStats(id, "total_runs", 2);
  }

  @Test
  void afterAPauseItFiresOnceToCatchUpNeverABurst() {
    String id = create("NoopTask", "{}", "*/5 * * * *");

    wakeAt("2026-01-05T13:02:41Z"); // eleven matches were missed

    assertEquals(1, instances(id).size());
    JsonNode view = view(id);
    assertEquals("2026-01-05T13:05:00.000Z", view.get("next_run").asText()); // computed from now
    assertEquals(0, view.get("skipped_runs").asInt());
  }

  // ---------------------------------------------------------------- enable and disable

  @Test
  void aDisabledScheduleDoesNotFireAndEnableRecomputesFromNow() {
    String id = create("NoopTask", "{}", "*/5 * * * *");

    assertTrue(HttpProbe.await(scheduler.disable(id)));
    assertFalse(HttpProbe.await(scheduler.disable(id)));
    JsonNode disabled = view(id);
    assertFalse(disabled.get("enabled").asBoolean());
    assertTrue(disabled.get("next_run").isNull());
    assertEquals("disabled by request", disabled.get("disabled_reason").asText());
    assertNull(armedFor());
    wakeAt("2026-01-05T12:05:00Z");
    assertTrue(instances(id).isEmpty());

    clock.set("2026-01-05T14:31:00Z");
    assertTrue(HttpProbe.await(scheduler.enable(id)));
    assertFalse(HttpProbe.await(scheduler.enable(id)));

    JsonNode enabled = view(id);
    assertTrue(enabled.get("enabled").asBoolean());
    assertTrue(enabled.get("disabled_reason").isNull());
    assertEquals("2026-01-05T14:35:00.000Z", enabled.get("next_run").asText());
    assertTrue(instances(id).isEmpty()); // enabling runs nothing at once either
  }

  @Test
  void aDeletedScheduleStopsFiringAndItsRunningInstanceGoesOn() {
    String gate = Gates.newGate();
    String id = firstRunHeldAt(gate);

    HttpProbe.await(scheduler.delete(id));

    assertNull(armedFor());
    wakeAt("2026-01-05T12:10:00Z");
    assertEquals(1, instances(id).size());
    Gates.open(gate);
    await().atMost(Duration.ofSeconds(10)).until(() -> statuses(id).equals(List.of(TaskStatus.DONE)));
  }

  // ---------------------------------------------------------------- stats and failures

  @Test
  void statsCountRunsFailuresAndResetTheStreakOnSuccess() {
    String ok = create("NoopTask", "{}", "*/5 * * * *");
    String failing = create("FailingTask", "{\"message\": \"disk full\"}", "*/5 * * * *");

    wakeAt("2026-01-05T12:05:00Z");
    awaitStats(ok, "total_runs", 1);
    awaitStats(failing, "total_runs", 1);
    wakeAt("2026-01-05T12:10:00Z");
    awaitStats(failing, "total_runs", 2);

    JsonNode f = view(failing);
    assertEquals(2, f.get("total_failures").asInt());
    assertEquals(2, f.get("consecutive_failures").asInt());
    assertEquals("IllegalArgumentException: disk full", f.get("last_error").asText());
    assertTrue(f.get("enabled").asBoolean()); // no pause_after_failures: it keeps going
    awaitStats(ok, "total_runs", 2);
    assertEquals(0, view(ok).get("total_failures").asInt());
  }

  @Test
  void aConstructorThatThrowsIsRecordedAndTheSchedulerKeepsWorking() {
    String broken = create("BrokenConstructorTask", "{}", "*/5 * * * *");
    String other = create("NoopTask", "{}", "*/5 * * * *");
    BrokenConstructorTask.broken = true;

    wakeAt("2026-01-05T12:05:00Z");

    assertTrue(instances(broken).isEmpty());
    assertEquals(1, instances(other).size()); // the same wake-up still served the other schedule
    JsonNode b = view(broken);
    assertEquals(1, b.get("total_runs").asInt());
    assertEquals(1, b.get("total_failures").asInt());
    assertEquals(1, b.get("consecutive_failures").asInt());
    assertTrue(b.get("last_error").asText().contains("constructor refused"), b.toString());
    assertEquals("2026-01-05T12:10:00.000Z", b.get("next_run").asText());
    assertEquals(Instant.parse("2026-01-05T12:06:00Z"), armedFor());

    BrokenConstructorTask.broken = false;
    wakeAt("2026-01-05T12:10:00Z");
    awaitStats(broken, "total_runs", 2);
    JsonNode healed = view(broken);
    assertEquals(0, healed.get("consecutive_failures").asInt()); // reset by the success
    assertEquals(1, healed.get("total_failures").asInt());
  }

  @Test
  void afterPauseAfterFailuresConsecutiveFailuresItDisablesItselfAndSaysWhy() {
    String id = create("FailingTask", "{}", "*/5 * * * *", 1, 2);

    wakeAt("2026-01-05T12:05:00Z");
    awaitStats(id, "total_failures", 1);
    assertTrue(view(id).get("enabled").asBoolean());
    wakeAt("2026-01-05T12:10:00Z");
    awaitStats(id, "total_failures", 2);

    JsonNode paused = view(id);
    assertFalse(paused.get("enabled").asBoolean());
    assertTrue(paused.get("next_run").isNull());
    assertTrue(paused.get("disabled_reason").asText().startsWith("paused after 2 consecutive failures"),
        paused.toString());
    assertTrue(paused.get("disabled_reason").asText().contains("boom"));
    assertNull(armedFor());

    HttpProbe.await(scheduler.enable(id));
    assertEquals(0, view(id).get("consecutive_failures").asInt()); // a fresh count after enabling
  }

  @Test
  void eachFiringBuildsAFreshTaskFromTheStoredParameters() {
    String id = create("FreshnessTask", "{\"tags\": [\"a\"]}", "*/5 * * * *", 3, null);

    wakeAt("2026-01-05T12:05:00Z");
    wakeAt("2026-01-05T12:10:00Z");
    wakeAt("2026-01-05T12:15:00Z");
    awaitStats(id, "total_runs", 3);

    List<TaskState> runs = instances(id);
    assertEquals(3, runs.size());
    for (TaskState run : runs) {
      JsonNode results = run.results();
      assertEquals(1, results.get("runs_on_this_object").asInt(), results.toString());
      assertEquals(2, results.get("tags").asInt(), results.toString()); // ["a"] + one run's "seen"
    }
    assertNotEquals(runs.get(0).id(), runs.get(1).id());
    assertEquals("[\"a\"]", view(id).get("params").get("tags").toString()); // the stored parameters are untouched
  }

  @Test
  void previewListsTheNextRunsFromNow() {
    String id = create("NoopTask", "{}", "0 9 * * MON-FRI");
    JsonNode preview = HttpProbe.await(scheduler.preview(id, 3));
    assertEquals(id, preview.get("recurring_id").asText());
    assertEquals("[\"2026-01-06T09:00:00.000Z\",\"2026-01-07T09:00:00.000Z\",\"2026-01-08T09:00:00.000Z\"]",
        preview.get("next_runs").toString());
  }
}
