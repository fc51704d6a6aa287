package io.brinjal.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.task.TaskStatus;
import io.brinjal.testkit.TaskChange;
import io.brinjal.testkit.TaskOutcome;
import io.brinjal.testkit.TaskRunner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seed's CPU example, run with the test kit: no server, every change it makes. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ExampleCPUTaskTest {
  @Test
  void aStartUpPhaseWithIndeterminateProgressThenAHundredSteps() {
    TaskOutcome end = TaskRunner.of(ExampleCPUTask.class).params(Map.of("name", "Render", "sleep_time", 0.001)).run();
    assertEquals(TaskStatus.DONE, end.status());
    List<Integer> expected = IntStream.rangeClosed(0, 100).map(i -> i == 0 ? -1 : i).boxed().toList();
    assertEquals(expected, end.progressSteps());
    assertEquals(List.of("Starting up...", "Render"),
        end.changes(TaskChange.Kind.HEADING).stream().map(TaskChange::asText).toList());
    assertEquals("Finished", end.body());
  }

  @Test
  void aFailureAtAStepEndsFailedNamingTheStep() {
    TaskOutcome end = TaskRunner.of(ExampleCPUTask.class).params(Map.of("sleep_time", 0.001, "failure_probability", 1)).run();
    assertEquals(TaskStatus.FAILED, end.status());
    assertEquals("IllegalStateException", end.errorType());
    assertEquals("random failure at step 1", end.errorMessage());
    assertTrue(end.progressSteps().equals(List.of(-1)), end.progressSteps().toString());
  }
}
