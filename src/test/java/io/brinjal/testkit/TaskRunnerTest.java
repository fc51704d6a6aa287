package io.brinjal.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.Task;
import io.brinjal.task.TaskStatus;
import io.brinjal.testkit.TaskChange.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TaskRunnerTest {
  static class CountTask extends Task {
    int steps = 3;
    long stepMillis = 0;

    @Override
    protected void validate() {
      if (steps < 1) throw new InvalidParameterException("steps", "must be at least 1");
    }

    @Override
    protected void run() throws Exception {
      setHeading("Counting to " + steps);
      for (int i = 1; i <= steps; i++) {
        Thread.sleep(stepMillis);
        setProgress(i * 100 / steps);
        setBody("step " + i);
      }
      setResults(Map.of("counted", steps));
    }
  }

  static class ThrowingTask extends Task {
    @Override
    protected void run() {
      setBody("working");
      throw new IllegalStateException("disk full");
    }
  }

  static class GivingUpTask extends Task {
    @Override
    protected void run() {
      markFailed("backend down");
    }
  }

  static class BlockingTask extends Task {
    static final CountDownLatch STARTED = new CountDownLatch(1);

    @Override
    protected void run() throws Exception {
      setProgress(5);
      STARTED.countDown();
      Thread.sleep(60_000); // a cancel interrupts it
    }
  }

  static class HookedTask extends Task {
    private final transient AtomicInteger done = new AtomicInteger();

    @Override
    public Duration updateInterval() {
      return Duration.ofMillis(5);
    }

    @Override
    protected void progressHook() {
      setProgress(done.get());
    }

    @Override
    protected void run() throws Exception {
      for (int p = 10; p <= 100; p += 10) {
        done.set(p);
        Thread.sleep(20);
      }
    }
  }

  static class SlowTask extends Task {
    @Override
    public Duration runTimeout() {
      return Duration.ofMillis(100);
    }

    @Override
    protected void run() throws Exception {
      Thread.sleep(60_000);
    }
  }

  @Test
  void aRunTimeoutEndsFailedAsOnTheServer() {
    TaskOutcome end = TaskRunner.of(SlowTask.class).run();
    assertEquals(TaskStatus.FAILED, end.status());
    assertEquals("TimeoutException", end.errorType());
    assertEquals("run() exceeded its timeout of 0.1 s", end.errorMessage());
  }

  @Test
  void everyChangeIsRecordedInOrderAtTheClocksTime() {
    ManualClock clock = ManualClock.at("2030-01-01T09:00:00Z");
    TaskOutcome end = TaskRunner.of(CountTask.class).params(Map.of("steps", 4)).clock(clock).run();
    assertEquals(TaskStatus.DONE, end.status());
    assertEquals("CountTask", end.taskType());
    assertEquals(4, end.params().get("steps").asInt());
    assertEquals(List.of(25, 50, 75, 100), end.progressSteps(), "each value, not the latest of a burst");
    assertEquals(List.of(Kind.HEADING, Kind.PROGRESS, Kind.BODY, Kind.PROGRESS, Kind.BODY, Kind.PROGRESS, Kind.BODY,
        Kind.PROGRESS, Kind.BODY, Kind.RESULTS), end.changes().stream().map(TaskChange::kind).toList());
    assertEquals("step 4", end.body());
    assertEquals(4, end.results().get("counted").asInt());
    Instant nine = Instant.parse("2030-01-01T09:00:00Z");
    assertEquals(nine, end.startedAt());
    assertEquals(nine, end.completedAt());
    assertTrue(end.changes().stream().allMatch(c -> c.at().equals(nine)));
    assertNull(end.errorType());
  }

  @Test
  void aThrownExceptionEndsFailedWithTheFieldsTheServerSets() {
    TaskOutcome end = TaskRunner.of(ThrowingTask.class).run();
    assertEquals(TaskStatus.FAILED, end.status());
    assertEquals("IllegalStateException", end.errorType());
    assertEquals("disk full", end.errorMessage());
    assertTrue(end.errorTraceback().contains("at io.brinjal.testkit.TaskRunnerTest$ThrowingTask.run"), end.errorTraceback());
    assertEquals("Task failed: disk full", end.body());
  }

  @Test
  void markFailedEndsFailedWithItsReason() {
    TaskOutcome end = TaskRunner.of(GivingUpTask.class).run();
    assertEquals(TaskStatus.FAILED, end.status());
    assertEquals("backend down", end.errorMessage());
    assertEquals(Kind.MARKED_FAILED, end.changes().get(0).kind());
  }

  @Test
  void aCancelAtAChosenChangeStopsTheTaskThere() {
    TaskOutcome end = TaskRunner.of(CountTask.class).params(Map.of("steps", 100, "step_millis", 5))
        .cancelWhen(change -> change.kind() == Kind.PROGRESS && change.asInt() >= 30).run();
    assertEquals(TaskStatus.CANCELLED, end.status());
    assertEquals(30, end.progress());
    assertEquals(30, end.progressSteps().get(end.progressSteps().size() - 1));
  }

  @Test
  void aCancelFromTheTestInterruptsABlockedRun() throws InterruptedException {
    RunningTask running = TaskRunner.of(BlockingTask.class).start();
    assertTrue(BlockingTask.STARTED.await(30, TimeUnit.SECONDS));
    assertEquals(5, running.changesSoFar().get(0).asInt());
    running.cancel();
    assertEquals(TaskStatus.CANCELLED, running.awaitEnd(Duration.ofSeconds(30)).status());
  }

  @Test
  void theProgressHookIsPolledWhileRunRuns() {
    TaskOutcome end = TaskRunner.of(HookedTask.class).run();
    assertEquals(TaskStatus.DONE, end.status());
    List<Integer> steps = end.progressSteps();
    assertTrue(steps.size() >= 3 && steps.get(steps.size() - 1) == 100, steps.toString());
  }

  @Test
  void parametersAreBoundAndCheckedAsTheApiDoes() {
    assertEquals("steps", assertThrows(InvalidParameterException.class,
        () -> TaskRunner.of(CountTask.class).params(Map.of("steps", 0)).start()).parameter());
    assertThrows(InvalidParameterException.class, () -> TaskRunner.of(CountTask.class).params(Map.of("stepz", 1)).start());
  }
}
